"""Shared fixtures: a pytest-lsp client connected to `ptune lsp` started as a subprocess.

The ptune binary comes from PTUNE_BIN (set by Scripts/test-lsp-e2e), or .build/debug/ptune.
"""

import os
import pathlib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
PTUNE = os.environ.get("PTUNE_BIN", str(ROOT / ".build" / "debug" / "ptune"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PTUNE, "lsp"]))
async def client(lsp_client: LanguageClient):
    """An initialized session with Neovim 0.10's capabilities; shut down cleanly afterwards."""
    params = types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("neovim@v0.10.0"),
        root_uri=FIXTURES.as_uri(),
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()
