// MARK: - The context-free half of checking a statement
//
// Everything about one statement that does not depend on the statements before it: which command
// it names, which form its arguments match, and whether their values fit. The script-level half
// (model loaded? snapshot defined? file written earlier?) runs afterwards in order. Splitting them
// lets a long script resolve its statements on every core: a language server re-checks the whole
// document on each keystroke, and a 1 MB script must come back in under 100 ms.

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one statement resolved to, before script-level checks.
struct StatementResolution: Sendable {
    /// How far resolution got.
    enum Outcome: Sendable {
        /// No such command (the diagnostic carries any suggestion).
        case unknownCommand(Diagnostic)
        /// The parser already reported this statement; only its command is known.
        case malformed(CommandSpec)
        /// No form matched; the diagnostic says what was expected.
        case unmatched(CommandSpec, [Diagnostic])
        /// A form matched and the arguments are typed; `diagnostics` holds value checks.
        case resolved(CommandSpec, CommandForm, [Binding], FormArguments, diagnostics: [Diagnostic])
    }

    let outcome: Outcome
    /// The command the statement names, when it names one (kept beside the outcome so that
    /// reading it does not copy the outcome's payload).
    let spec: CommandSpec?

    /// Resolves one statement against the catalog.
    init(_ statement: Statement) {
        spec = Commands.named(statement.name)
        guard let spec else {
            outcome = .unknownCommand(Self.unknownCommand(statement))
            return
        }
        guard !statement.isMalformed else {
            outcome = .malformed(spec)
            return
        }
        var resolver = StatementResolver(spec: spec, statement: statement)
        guard let (form, bindings) = resolver.resolveForm() else {
            outcome = .unmatched(spec, resolver.diagnostics)
            return
        }
        resolver.checkValues(bindings)
        outcome = .resolved(spec, form, bindings, resolver.arguments, diagnostics: resolver.diagnostics)
    }

    // MARK: Unknown command

    private static func unknownCommand(_ statement: Statement) -> Diagnostic {
        let message = DiagnosticMessage.unknownCommand(statement.name)
        // A setting name used as a command: suggest `set`.
        if let setting = Settings.named(statement.name) {
            return Diagnostic(message, at: statement.nameRange,
                              notes: [DiagnosticNote(.settingIsCommand(setting.name))],
                              fixIts: [FixIt(message: NoteMessage.didYouMean("set \(statement.name)").text,
                                             range: statement.nameRange, replacement: "set \(statement.name)")])
        }
        guard let suggestion = Commands.nameIndex.closest(to: statement.name) else {
            return Diagnostic(message, at: statement.nameRange)
        }
        return Diagnostic(message, at: statement.nameRange,
                          fixIts: [FixIt(message: NoteMessage.didYouMean(suggestion).text,
                                         range: statement.nameRange, replacement: suggestion)])
    }

    // MARK: Many statements

    /// Below this many statements one thread is quicker than handing work to others.
    static let parallelThreshold = 2_048

    /// Resolutions of every statement, in order. Long scripts are cut into one contiguous slice
    /// per core, each resolved on its own thread straight into its own part of the result, so the
    /// result is the same as one thread's and nothing is copied afterwards.
    /// `threads` nil: one per core (at most 8) when the script is long, else one.
    static func resolveAll(_ statements: [Statement], threads: Int? = nil) -> [StatementResolution] {
        let cores = max(1, threads ?? (statements.count >= parallelThreshold ? min(System.coreCount, 8) : 1))
        guard cores > 1, statements.count >= cores else { return statements.map(StatementResolution.init) }
        let size = (statements.count + cores - 1) / cores
        return [StatementResolution](unsafeUninitializedCapacity: statements.count) { buffer, initialized in
            let base = ResultBase(pointer: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: cores) { slice in
                for i in min(slice * size, statements.count)..<min((slice + 1) * size, statements.count) {
                    (base.pointer + i).initialize(to: StatementResolution(statements[i]))
                }
            }
            initialized = statements.count
        }
    }

    /// The result's storage, shared with the worker threads: each initializes only its own
    /// slice's elements, and the array is not read until `concurrentPerform` has returned — which
    /// is why the unchecked `Sendable` is sound.
    private struct ResultBase: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<StatementResolution>
    }
}

/// Facts about the machine the checker adapts to.
enum System {
    /// The cores this process may use.
    static let coreCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
