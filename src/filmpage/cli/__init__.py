"""The command line: parse options, call a command, print what happened. No logic here.

Each command lives in a module of this package by what it is for, and
are added to :func:`main` here. The commands' own modules (and the servers, browsers
and processes they bring) are imported by the commands that use them: a build starts its
workers sooner.
"""

from __future__ import annotations

import gc

import click

from .. import __version__
from .building import build_command, check_command, serve_command
from .importing import import_command
from .publishing import deploy_command
from .writing import init_command, new_command


@click.group(name="filmpage", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="filmpage")
def main() -> None:
    """filmpage: build a storefront-style static site from film records."""


def run() -> None:
    """The ``filmpage`` program: the command line, then a quick exit.

    A build leaves a million objects behind, held together in cycles (templates, films).
    Collecting them at exit walks them all, about a second for 10,000 films; frozen, they
    are left to the operating system, which takes the whole process back at once.
    """
    try:
        main()
    finally:
        gc.freeze()


for _command in (build_command, check_command, new_command, init_command, serve_command,
                 deploy_command, import_command):  # fmt: skip
    main.add_command(_command)
