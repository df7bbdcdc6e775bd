"""Topics → the static site: page data, views, Jinja2 rendering, the workers that write pages."""
