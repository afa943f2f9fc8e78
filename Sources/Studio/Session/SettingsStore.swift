import PTScript

/// The session's current settings: one value per `SettingSpec` of the catalog, starting at the
/// catalog defaults. Handlers read typed values by name; `set` writes checked values.
public struct SettingsStore: Sendable, Equatable {
    private var values: [String: SettingValue]

    /// Every setting at its catalog default.
    public init() {
        values = [:]
        for spec in Settings.all { values[spec.name] = spec.defaultValue }
    }

    /// The value of a setting (by canonical name or alias).
    public subscript(name: String) -> SettingValue {
        get {
            guard let spec = Settings.named(name) else { preconditionFailure("unknown setting \(name)") }
            return values[spec.name] ?? spec.defaultValue
        }
        set {
            guard let spec = Settings.named(name) else { preconditionFailure("unknown setting \(name)") }
            values[spec.name] = newValue
        }
    }

    /// An integer setting.
    public func int(_ name: String) -> Int {
        switch self[name] {
        case .integer(let i): return i
        case .float(let f): return Int(f)
        default: preconditionFailure("setting \(name) is not numeric")
        }
    }

    /// A floating-point setting.
    public func float(_ name: String) -> Double {
        guard let value = self[name].numeric else { preconditionFailure("setting \(name) is not numeric") }
        return value
    }

    /// A string or choice setting.
    public func string(_ name: String) -> String {
        switch self[name] {
        case .string(let s), .choice(let s): return s
        default: return self[name].description
        }
    }

    /// An on/off setting.
    public func bool(_ name: String) -> Bool {
        if case .bool(let b) = self[name] { return b }
        preconditionFailure("setting \(name) is not on/off")
    }

    /// Settings whose value differs from the default, in catalog order.
    public var changed: [(SettingSpec, SettingValue)] {
        Settings.all.compactMap { spec in
            let value = values[spec.name] ?? spec.defaultValue
            return value == spec.defaultValue ? nil : (spec, value)
        }
    }
}
