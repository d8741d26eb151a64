#!/usr/bin/env python
from learnloop.cli import main

if __name__ == "__main__":
    main()
