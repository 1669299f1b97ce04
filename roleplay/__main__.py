"""Lets `python -m roleplay` run the command line."""

from roleplay.cli import main

raise SystemExit(main())
