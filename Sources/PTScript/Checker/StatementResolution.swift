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

    /// The command the statement names, when it names one.
    var spec: CommandSpec? {
        switch outcome {
        case .unknownCommand: nil
        case .malformed(let spec), .unmatched(let spec, _), .resolved(let spec, _, _, _, _): spec
        }
    }

    /// Resolves one statement against the catalog.
    init(_ statement: Statement) {
        guard let spec = Commands.named(statement.name) else {
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
    /// per core; each slice is resolved on its own thread into its own array, and the arrays are
    /// joined in order, so the result is the same as one thread's.
    /// `threads` nil: one per core (at most 8) when the script is long, else one.
    static func resolveAll(_ statements: [Statement], threads: Int? = nil) -> [StatementResolution] {
        let cores = max(1, threads ?? (statements.count >= parallelThreshold ? min(System.coreCount, 8) : 1))
        guard cores > 1, statements.count >= cores else { return statements.map(StatementResolution.init) }
        let slices = Slices(count: cores)
        let size = (statements.count + cores - 1) / cores
        DispatchQueue.concurrentPerform(iterations: cores) { slice in
            let range = min(slice * size, statements.count)..<min((slice + 1) * size, statements.count)
            slices.store(statements[range].map(StatementResolution.init), at: slice)
        }
        var all: [StatementResolution] = []
        all.reserveCapacity(statements.count)
        for slice in 0..<cores { all += slices.take(slice) }
        return all
    }

    /// One result array per slice, each written by exactly one thread before
    /// `concurrentPerform` returns and read only after it: no two threads touch the same element,
    /// which is why the unchecked `Sendable` is sound.
    private final class Slices: @unchecked Sendable {
        // Raw storage, not a Swift array: concurrent writes through an array property would be
        // flagged by the (release-mode) exclusivity checks even though the elements differ.
        private let arrays: UnsafeMutablePointer<[StatementResolution]>
        private let count: Int

        init(count: Int) {
            self.count = count
            arrays = .allocate(capacity: count)
            arrays.initialize(repeating: [], count: count)
        }

        deinit {
            arrays.deinitialize(count: count)
            arrays.deallocate()
        }

        func store(_ array: [StatementResolution], at index: Int) { arrays[index] = array }

        func take(_ index: Int) -> [StatementResolution] { arrays[index] }
    }
}

/// Facts about the machine the checker adapts to.
enum System {
    /// The cores this process may use.
    static let coreCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
