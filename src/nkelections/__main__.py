from nkelections.cli import main

raise SystemExit(main())
