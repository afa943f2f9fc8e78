"""End to end: a real LSP client (pytest-lsp) drives `ptune lsp` over stdio on a real file."""

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import FIXTURES


async def open_fixture(client: LanguageClient, name: str) -> tuple[str, str]:
    """Opens a fixture file in the server and returns its URI and text."""
    path = FIXTURES / name
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="ptscript", version=1, text=text)
        )
    )
    return uri, text


async def diagnostics_for(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Waits for the server's next publishDiagnostics for `uri`."""
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout=30)
    return client.diagnostics.pop(uri)


@pytest.mark.asyncio(loop_scope="function")
async def test_capabilities_are_advertised(client: LanguageClient):
    capabilities = client.server_capabilities
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert capabilities.hover_provider is True
    assert capabilities.document_formatting_provider is True


@pytest.mark.asyncio(loop_scope="function")
async def test_typo_is_diagnosed_with_the_right_range(client: LanguageClient):
    uri, _ = await open_fixture(client, "typo.ptscript")
    diagnostics = await diagnostics_for(client, uri)
    assert [d.code for d in diagnostics] == ["PT0020"], diagnostics
    typo = diagnostics[0]
    assert typo.severity == types.DiagnosticSeverity.Error
    assert typo.range == types.Range(start=types.Position(line=5, character=0), end=types.Position(line=5, character=5))
    assert "unknown command 'trian'" in typo.message
    assert "did you mean 'train'?" in typo.message
    # sentiment.jsonl sits beside the script, so the relative path is found: no missing-file warning.


@pytest.mark.asyncio(loop_scope="function")
async def test_fixing_the_typo_incrementally_clears_the_diagnostic(client: LanguageClient):
    uri, _ = await open_fixture(client, "typo.ptscript")
    await diagnostics_for(client, uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=5, character=0), end=types.Position(line=5, character=5)),
                    text="train",
                )
            ],
        )
    )
    assert list(await diagnostics_for(client, uri)) == []


@pytest.mark.asyncio(loop_scope="function")
async def test_completion_offers_train_for_tr(client: LanguageClient):
    uri, _ = await open_fixture(client, "typo.ptscript")
    await diagnostics_for(client, uri)
    # Cursor after "tr" of "trian" on line 6.
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=2)
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = [item.label for item in items]
    assert labels == ["train"], labels
    assert items[0].kind == types.CompletionItemKind.Keyword
    assert items[0].detail == "Tune the prompt vector on the training pairs"


@pytest.mark.asyncio(loop_scope="function")
async def test_completion_lists_the_data_file_beside_the_script(client: LanguageClient):
    uri, _ = await open_fixture(client, "typo.ptscript")
    await diagnostics_for(client, uri)
    # Inside `pairs "sentiment.jsonl"` after `"sen`.
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=10)
        )
    )
    labels = [item.label for item in result.items]
    assert labels == ["sentiment.jsonl"], labels


@pytest.mark.asyncio(loop_scope="function")
async def test_hover_and_outline(client: LanguageClient):
    uri, _ = await open_fixture(client, "typo.ptscript")
    await diagnostics_for(client, uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=1))
    )
    assert "**init**" in hover.contents.value
    assert "num_virtual_tokens" in hover.contents.value

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert [s.name for s in symbols] == ["A sentiment classifier, with one typo on line 6"]
    assert [c.name for c in symbols[0].children] == ["Model", "Pairs", "Prompt vector", "Unknown commands", "Asking"]


@pytest.mark.asyncio(loop_scope="function")
async def test_formatting_splits_statements(client: LanguageClient):
    uri = "untitled:format.ptscript"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="ptscript", version=1, text="load ;  train   5   \n")
        )
    )
    await diagnostics_for(client, uri)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert [e.new_text for e in edits] == ["load\ntrain 5\n"]
