// MARK: - Matching arguments against a command form
//
// Greedy, left to right: an optional group is entered when the next argument fits its first
// parameter, and then must be complete. On failure the matcher says where (argument index) and
// what it expected there, so the checker can pick the form that got furthest.

/// One argument bound to the parameter it matched.
struct Binding {
    let parameter: ParameterSpec
    let argument: Argument
}

/// Why a form did not match.
struct MatchFailure {
    /// Index of the first argument that did not fit (== count when arguments ran out).
    let argumentIndex: Int
    /// What would have been accepted there (empty when no more arguments were allowed).
    let expected: [ParameterSpec]
}

enum FormMatcher {
    /// Matches all arguments against the parameters, or says where it failed.
    static func match(_ parameters: [ParameterSpec], _ arguments: [Argument]) -> Result<[Binding], MatchFailureError> {
        var index = 0
        var bindings: [Binding] = []
        var skippedOptionals: [ParameterSpec] = []  // optional groups passed over just before `index`
        func fail(_ expected: [ParameterSpec]) -> Result<[Binding], MatchFailureError> {
            .failure(MatchFailureError(failure: MatchFailure(argumentIndex: index, expected: expected)))
        }
        for parameter in parameters {
            if case .optional(let group) = parameter {
                guard let first = group.first, index < arguments.count, first.accepts(arguments[index]) else {
                    if let first = group.first { skippedOptionals.append(first) }
                    continue
                }
                for member in group {
                    guard index < arguments.count, member.accepts(arguments[index]) else { return fail([member]) }
                    bindings.append(Binding(parameter: member, argument: arguments[index]))
                    index += 1
                }
                skippedOptionals = []
                continue
            }
            guard index < arguments.count, parameter.accepts(arguments[index]) else {
                return fail(skippedOptionals + [parameter])
            }
            bindings.append(Binding(parameter: parameter, argument: arguments[index]))
            index += 1
            skippedOptionals = []
        }
        return index < arguments.count ? fail(skippedOptionals) : .success(bindings)
    }
}

extension ParameterSpec {
    /// True when an argument has the shape this parameter takes (values are checked later).
    /// The one table the checker and the language server's signature help both use.
    public func accepts(_ argument: Argument) -> Bool {
        switch (self, argument.value) {
        case (.keyword("->"), .arrow), (.keyword("to"), .to): true
        case (.keyword(let word), .word(let given)): word == given
        case (.string, .string): true
        case (.integer, .number(_, _, let isInteger)): isInteger
        case (.number, .number): true
        case (.choice(_, let options), .word(let given)): options.contains(given)
        case (.settingKey, .word): true
        case (.settingValue, .string), (.settingValue, .number), (.settingValue, .word): true
        case (.helpTopic, .word): true
        case (.optional(let group), _): group.first.map { $0.accepts(argument) } ?? false
        default: false
        }
    }
}

/// `MatchFailure` wrapped as an `Error` so it can travel in a `Result`.
struct MatchFailureError: Error {
    let failure: MatchFailure
}
