"""Networks from the graph: networkx views, exports, pictures and an offline explorer."""
