// The interactive line editor: libedit's histedit API (EditLine + History) driven from Swift.
import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Emacs-style line editing with persistent history, tab completion, ^R reverse incremental
/// search and prefix history search on ↑/↓.
///
/// ^C is handled as a key, not a signal: ISIG is turned off while a line is being edited, so the
/// keypress reaches libedit, which discards the line and returns `.interrupted`. (libedit's own
/// signal mode would re-send SIGINT to the whole process group.) Outside `readLine` the terminal
/// is back in its normal mode and ^C is a signal again (see `Interrupts`).
public final class LibEditLineEditor: LineEditor {
    // MARK: - State

    private let editLine: OpaquePointer  // EditLine *
    private let libHistory: OpaquePointer  // History *
    private let inputFile: UnsafeMutablePointer<FILE>
    private let outputFile: UnsafeMutablePointer<FILE>
    private let errorFile: UnsafeMutablePointer<FILE>
    private let outputDescriptor: Int32

    private let historyPath: String?
    /// The history as Swift data; mirrored into libedit's History for ↑/↓ and ^R.
    public private(set) var history: LineHistory
    private let completion: CompletionProvider?
    private let highlighter: LineHighlighter?

    /// The prompt as a C string handed to libedit's prompt callback; replaced on every readLine.
    private var promptStorage: UnsafeMutablePointer<CChar>
    /// Set by the ^C key function; read after el_gets returns.
    fileprivate var interruptPressed = false
    /// The text after the cursor when ^C was pressed (echoed so "^C" lands after the whole line).
    fileprivate var interruptedTail = ""
    /// The (line, cursor) left by the last Tab that changed nothing; a second Tab there lists.
    fileprivate var unchangedTabState: (line: String, cursor: Int)?

    // MARK: - Life cycle

    /// An editor on the given descriptors (normally stdin/stdout/stderr), or nil if libedit
    /// cannot start. The history file at `historyPath` is loaded now and written by `saveHistory()`.
    public init?(
        historyPath: String?,
        historyCapacity: Int = 1000,
        completion: CompletionProvider? = nil,
        highlighter: LineHighlighter? = nil,
        inputDescriptor: Int32 = STDIN_FILENO,
        outputDescriptor: Int32 = STDOUT_FILENO,
        errorDescriptor: Int32 = STDERR_FILENO
    ) {
        Self.enableUTF8Locale()
        // libedit keeps FILE pointers; ours are private duplicates so closing them leaves the
        // process's standard streams alone (and avoids touching C's global `stdin` from Swift 6).
        guard let input = fdopen(dup(inputDescriptor), "r"),
            let output = fdopen(dup(outputDescriptor), "w"),
            let error = fdopen(dup(errorDescriptor), "w")
        else { return nil }
        // libedit also works on the raw descriptors: give it our duplicates, so an editor that
        // outlives the caller's descriptors never reads from or resets an unrelated reused fd
        guard let el = el_init_fd("ptune", input, output, error, fileno(input), fileno(output), fileno(error)),
            let hist = history_init()
        else {
            fclose(input); fclose(output); fclose(error)
            return nil
        }
        editLine = el
        libHistory = hist
        inputFile = input
        outputFile = output
        errorFile = error
        self.outputDescriptor = fileno(output)
        self.historyPath = historyPath
        self.completion = completion
        self.highlighter = highlighter
        promptStorage = strdup("")
        history = LineHistory(capacity: historyCapacity)
        if let historyPath { try? history.load(path: historyPath) }

        ptune_history_setsize(hist, Int32(history.capacity))
        ptune_history_setunique(hist, 1)
        for entry in history.entries { ptune_history_enter(hist, entry) }
        configure()
    }

    deinit {
        el_end(editLine)
        history_end(libHistory)
        free(promptStorage)
        fclose(inputFile)
        fclose(outputFile)
        fclose(errorFile)
    }

    /// Emacs bindings plus ptune's keys. The user's ~/.editrc is read last so it can override them.
    private func configure() {
        let el = editLine
        ptune_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        ptune_el_set_editor(el, "emacs")
        ptune_el_set_signal(el, 0)
        ptune_el_set_prompt(el, promptCallback, 1)  // \1 brackets zero-width escape sequences
        ptune_el_set_history(el, libHistory)

        ptune_el_setty_edit(el, "-isig")
        ptune_el_addfn(el, "ptune-interrupt", "discard the line and return to the prompt", interruptKeyCallback)
        ptune_el_bind(el, "^C", "ptune-interrupt")
        if completion != nil {
            ptune_el_addfn(el, "ptune-complete", "complete the word before the cursor", completeKeyCallback)
            ptune_el_bind(el, "^I", "ptune-complete")
        }
        ptune_el_bind(el, "^R", "em-inc-search-prev")
        for up in ["\\e[A", "\\eOA"] { ptune_el_bind(el, up, "ed-search-prev-history") }
        for down in ["\\e[B", "\\eOB"] { ptune_el_bind(el, down, "ed-search-next-history") }
        ptune_el_bind(el, "\\e[1;5D", "ed-prev-word")
        ptune_el_bind(el, "\\e[1;5C", "em-next-word")
        ptune_el_bind(el, "\\e[H", "ed-move-to-beg")
        ptune_el_bind(el, "\\e[F", "ed-move-to-end")
        ptune_el_bind(el, "\\e[3~", "ed-delete-next-char")
        el_source(el, nil)
    }

    /// libedit decodes input with the C library's multibyte functions, which only understand
    /// UTF-8 once LC_CTYPE names a UTF-8 locale; a process starts in "C".
    private static func enableUTF8Locale() {
        let current = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        guard current == "C" || current == "POSIX" else { return }
        if let chosen = setlocale(LC_CTYPE, ""), String(cString: chosen).uppercased().contains("UTF") { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    // MARK: - LineEditor

    public func readLine(prompt: String) -> LineEditorResult {
        free(promptStorage)
        promptStorage = strdup(Self.markZeroWidth(prompt))
        interruptPressed = false
        unchangedTabState = nil

        var count: Int32 = 0
        let raw = el_gets(editLine, &count)
        if interruptPressed {
            echo(interruptedTail + "^C\r\n")
            return .interrupted
        }
        guard let raw, count > 0 else { return .endOfInput }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        if line.hasSuffix("\r") { line.removeLast() }
        rehighlight(line, prompt: prompt)
        return .line(line)
    }

    public func addHistory(_ line: String) {
        if history.add(line) { ptune_history_enter(libHistory, line) }
    }

    public func saveHistory() {
        guard let historyPath else { return }
        try? history.save(path: historyPath)
    }

    // MARK: - Key functions (called from the C callbacks)

    /// ^C: remember it and end el_gets (CC_EOF), so readLine reports `.interrupted`.
    fileprivate func interruptKey() -> UInt8 {
        interruptPressed = true
        interruptedTail = ""
        if let info = el_line(editLine)?.pointee, let cursor = info.cursor, let last = info.lastchar, last > cursor {
            let tail = UnsafeRawBufferPointer(start: cursor, count: last - cursor)
            interruptedTail = String(decoding: tail, as: UTF8.self)
        }
        return UInt8(CC_EOF)
    }

    /// Tab: ask the completion provider, then insert, list or beep.
    fileprivate func completeKey() -> UInt8 {
        guard let completion, let info = el_line(editLine)?.pointee,
            let start = info.buffer, let cursor = info.cursor, let last = info.lastchar
        else { return UInt8(CC_ERROR) }
        let line = String(decoding: UnsafeRawBufferPointer(start: start, count: last - start), as: UTF8.self)
        let cursorUTF8 = cursor - start
        let answer = completion(line, cursorUTF8)
        let repeated = unchangedTabState.map { $0.line == line && $0.cursor == cursorUTF8 } ?? false
        let action = TabCompletion.action(
            line: line, cursorUTF8: cursorUTF8, replaceFromUTF8: answer.replaceFromUTF8,
            candidates: answer.candidates, repeatedTab: repeated)

        switch action {
        case .replace(let deleteScalars, let insert):
            unchangedTabState = nil
            if deleteScalars > 0 { el_deletestr(editLine, Int32(deleteScalars)) }
            if el_insertstr(editLine, insert) != 0 { return UInt8(CC_REFRESH_BEEP) }
            return UInt8(CC_REFRESH)
        case .list(let candidates):
            unchangedTabState = nil
            let width = TerminalSize.columns(fileDescriptor: outputDescriptor)
            echo("\r\n" + TabCompletion.listing(candidates, width: width).replacingNewlines() + "\r\n")
            return UInt8(CC_REDISPLAY)
        case .beep:
            unchangedTabState = (line, cursorUTF8)
            return UInt8(CC_REFRESH_BEEP)
        }
    }

    // MARK: - Output

    /// Writes through libedit's own output stream so our text and its redraws stay in order.
    private func echo(_ text: String) {
        fputs(text, outputFile)
        fflush(outputFile)
    }

    /// Redraws the accepted line in color, when it provably sits on the row just above the cursor.
    private func rehighlight(_ line: String, prompt: String) {
        guard let highlighter, !line.contains("\n"), !prompt.contains("\n") else { return }
        let used = DisplayWidth.of(prompt) + DisplayWidth.of(line)
        guard used < TerminalSize.columns(fileDescriptor: outputDescriptor) else { return }
        let styled = highlighter(line)
        guard styled != line else { return }
        echo("\u{1B}[1A\r" + prompt + styled + "\u{1B}[K\r\n")
    }

    /// Wraps each ANSI escape sequence in \1…\1 so libedit prints it without counting columns.
    static func markZeroWidth(_ prompt: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in prompt.unicodeScalars {
            if !inEscape && scalar == "\u{1B}" {
                inEscape = true
                out += "\u{1}"
                out.unicodeScalars.append(scalar)
                continue
            }
            out.unicodeScalars.append(scalar)
            // a CSI sequence ends at its final byte (@ through ~), after "ESC ["
            if inEscape && scalar != "[" && (0x40...0x7E).contains(scalar.value) {
                inEscape = false
                out += "\u{1}"
            }
        }
        if inEscape { out += "\u{1}" }
        return out
    }

    /// The editor registered on an EditLine (EL_CLIENTDATA), for the C callbacks.
    fileprivate static func from(_ el: OpaquePointer?) -> LibEditLineEditor? {
        guard let el, let data = ptune_el_get_clientdata(el) else { return nil }
        return Unmanaged<LibEditLineEditor>.fromOpaque(data).takeUnretainedValue()
    }
}

// MARK: - C callbacks

// libedit calls plain C function pointers that cannot capture Swift context; each one finds its
// editor through the EditLine's client data.

private let promptCallback: ptune_el_prompt_t = { el in
    LibEditLineEditor.from(el)?.currentPromptPointer
}

private let interruptKeyCallback: ptune_el_func_t = { el, _ in
    LibEditLineEditor.from(el)?.interruptKey() ?? UInt8(CC_ERROR)
}

private let completeKeyCallback: ptune_el_func_t = { el, _ in
    LibEditLineEditor.from(el)?.completeKey() ?? UInt8(CC_ERROR)
}

extension LibEditLineEditor {
    /// The C prompt for the callback (owned by the editor, valid until the next readLine).
    fileprivate var currentPromptPointer: UnsafeMutablePointer<CChar>? { promptStorage }
}

extension String {
    /// In raw mode a bare "\n" does not return the carriage; terminals need "\r\n".
    fileprivate func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }
}
