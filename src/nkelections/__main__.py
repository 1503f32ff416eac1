from nkelections.cli.main import main

raise SystemExit(main())
