// swift-tools-version: 6.0
// ptune — a terminal studio for prompt tuning foundation models.
// Module graph (data flows one way): ptune → Studio → PromptTuning → LanguageModel → Numerics.
// Terminal and LanguageServer are front ends over PTScript + Studio. See Docs/architecture.md.
import PackageDescription

let optimized: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "ptune",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ptune", targets: ["ptune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),

        // MARK: - Library modules
        // The decode kernels in C: AVX/FMA code behind runtime CPU checks, and the thread pool.
        .target(name: "CKernels", path: "Sources/CKernels"),
        // Atomic, durable file replacement shared by every writer (adapters, history, recordings, plots).
        .target(name: "AtomicFiles"),
        .target(
            name: "Numerics",
            dependencies: ["CKernels", .target(name: "COpenBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: optimized),
        .target(name: "LanguageModel", dependencies: ["Numerics", "AtomicFiles"], swiftSettings: optimized),
        .target(name: "PromptTuning", dependencies: ["LanguageModel", "Numerics", "AtomicFiles"], swiftSettings: optimized),
        .target(name: "PTScript"),
        .target(name: "Terminal", dependencies: ["CEditLine", "AtomicFiles"]),
        .target(name: "Studio", dependencies: ["PTScript", "PromptTuning", "LanguageModel", "Numerics", "Terminal", "AtomicFiles"]),
        .target(name: "LanguageServer", dependencies: ["PTScript"]),
        .target(name: "PTuneTestSupport", dependencies: ["LanguageModel", "Numerics"]),

        // MARK: - Executable
        .executableTarget(
            name: "ptune",
            dependencies: [
                "Studio", "PTScript", "Terminal", "LanguageServer", "Numerics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .executableTarget(
            name: "ptune-bench", dependencies: ["Studio", "LanguageModel", "PromptTuning", "Numerics"],
            path: "Sources/ptune-bench", swiftSettings: optimized),

        // MARK: - Tests
        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "PTuneTestSupport"]),
        .testTarget(name: "LanguageModelTests", dependencies: ["LanguageModel", "Numerics", "PTuneTestSupport"]),
        .testTarget(name: "PromptTuningTests", dependencies: ["PromptTuning", "LanguageModel", "Numerics", "PTuneTestSupport", "AtomicFiles"]),
        .testTarget(name: "PTScriptTests", dependencies: ["PTScript"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "PTScript"]),
        .testTarget(name: "StudioTests", dependencies: ["Studio", "PTScript", "PTuneTestSupport", "CEditLine", "AtomicFiles"]),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: - Fuzz targets (PTUNE_FUZZ=1 only)
//
// libFuzzer executables: each has a `main.swift` that hands its `LLVMFuzzerTestOneInput` to
// libFuzzer's `LLVMFuzzerRunDriver`, so they only link with `-sanitize=fuzzer`. Declared only when
// PTUNE_FUZZ=1 (set by Scripts/fuzz, which builds in its own scratch folder `.build-fuzz`), so plain
// `swift build` / `swift test` never see them. See Docs/reliability/fuzzing.md.
if Context.environment["PTUNE_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "FuzzEngine", path: "Sources/FuzzEngine"),
        .target(name: "FuzzSupport", dependencies: ["FuzzEngine"]),
    ]
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzPTScript", ["PTScript"]),
        ("FuzzGGUF", ["LanguageModel"]),
        ("FuzzAdapter", ["LanguageModel", "PromptTuning"]),
        ("FuzzPairs", ["PromptTuning"]),
        ("FuzzTokenizer", ["LanguageModel", "PTuneTestSupport"]),
        ("FuzzLSPFraming", ["LanguageServer"]),
    ]
    for fuzz in fuzzTargets {
        package.targets.append(.executableTarget(name: fuzz.name, dependencies: ["FuzzSupport"] + fuzz.dependencies))
    }
    // Writes Fuzz/corpus from the project's own writers (Scripts/dev/make-fuzz-corpus); a plain program.
    package.targets.append(.executableTarget(
        name: "FuzzSeeds", dependencies: ["LanguageModel", "Numerics", "PromptTuning", "PTuneTestSupport"]))
}
