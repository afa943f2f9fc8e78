import PTScript

// MARK: - How far the arguments get through a command's forms
//
// Signature help and hover need to know which parameter an argument fills, including for a
// statement that is still being typed. This walks the arguments through one form's parameters
// left to right, entering an optional group when its first parameter fits (the rule PTScript's
// checker uses), and reports where it stopped.

/// The arguments of a statement walked through one form.
struct FormProgress {
    /// True when every argument fitted (the form may still want more).
    let fits: Bool
    /// For each fitted argument: the top-level parameter index and the parameter itself
    /// (a member of an optional group, not the group).
    let bound: [(index: Int, parameter: ParameterSpec)]
    /// The top-level parameter the next argument would fill (== count when the form is complete).
    let next: Int

    /// Walks `arguments` through `form`.
    init(_ form: CommandForm, _ arguments: [Argument]) {
        let parameters = form.parameters
        var bound: [(Int, ParameterSpec)] = []
        var index = 0  // top-level parameter
        var argument = 0
        while argument < arguments.count {
            guard index < parameters.count else { self.init(fits: false, bound: bound, next: index); return }
            if case .optional(let group) = parameters[index] {
                guard let first = group.first, first.accepts(arguments[argument]) else { index += 1; continue }
                for member in group {
                    // The statement may stop inside the group: the group is then the next parameter.
                    guard argument < arguments.count else { self.init(fits: true, bound: bound, next: index); return }
                    guard member.accepts(arguments[argument]) else {
                        self.init(fits: false, bound: bound, next: index); return
                    }
                    bound.append((index, member))
                    argument += 1
                }
                index += 1
                continue
            }
            guard parameters[index].accepts(arguments[argument]) else {
                self.init(fits: false, bound: bound, next: index); return
            }
            bound.append((index, parameters[index]))
            argument += 1
            index += 1
        }
        self.init(fits: true, bound: bound, next: index)
    }

    private init(fits: Bool, bound: [(Int, ParameterSpec)], next: Int) {
        self.fits = fits
        self.bound = bound.map { (index: $0.0, parameter: $0.1) }
        self.next = next
    }

    /// The parameter argument `position` fills: in the first form all arguments fit, else in the
    /// first form that gets as far as that argument.
    static func parameter(at position: Int, of spec: CommandSpec, arguments: [Argument]) -> (CommandForm, ParameterSpec)? {
        for form in spec.forms {
            let progress = FormProgress(form, arguments)
            if progress.fits, position < progress.bound.count { return (form, progress.bound[position].parameter) }
        }
        for form in spec.forms {
            let progress = FormProgress(form, Array(arguments.prefix(position + 1)))
            if progress.fits, position < progress.bound.count { return (form, progress.bound[position].parameter) }
        }
        return nil
    }
}
