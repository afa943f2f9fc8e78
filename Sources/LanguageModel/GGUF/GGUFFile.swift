import Foundation
import Numerics

/// One tensor's entry in a GGUF file: name, dimensions, element type and where its data is.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight` (see `TensorName`).
    public let name: String
    /// GGUF `ne`: the fastest-varying dimension first (a `(out, in)` matrix is `[in, out]`).
    public let dimensions: [Int]
    /// Element format.
    public let type: GGMLType
    /// Byte offset of the data from the start of the data section.
    public let offset: Int
    /// Number of elements (product of `dimensions`).
    public let elementCount: Int
    /// Bytes of data.
    public let byteCount: Int

    /// Row-major shape, slowest dimension first: `dimensions` reversed (`[out, in]` for a matrix).
    public var shape: [Int] { dimensions.reversed() }
}

/// A GGUF model file (versions 2 and 3, little-endian), memory-mapped and validated as it is read.
///
/// Layout: magic `GGUF`, version, tensor count, metadata count, metadata key/values, tensor infos,
/// padding to `general.alignment`, then the data section that tensor offsets point into.
/// Immutable after `init`; the mapping is released in `deinit`.
public final class GGUFFile: @unchecked Sendable {  // read-only memory and `let`s only
    /// The file format version (2 or 3).
    public let version: Int
    /// All metadata values by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor entries in file order.
    public let tensors: [GGUFTensorInfo]
    /// Data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute byte offset of the data section.
    public let dataOffset: Int
    /// Total file size in bytes.
    public var fileSize: Int { storage.size }

    private let storage: FileBytes
    private let tensorIndex: [String: Int]

    /// Memory-maps and parses the file at `path`.
    public convenience init(path: String) throws {
        try self.init(storage: try FileBytes(mapping: path))
    }

    /// Parses GGUF bytes held in memory (tests, generated files).
    public convenience init(data: Data) throws {
        try self.init(storage: FileBytes(copying: data))
    }

    private init(storage: FileBytes) throws {
        self.storage = storage
        let parsed = try GGUFParser.parse(base: storage.base, size: storage.size)
        version = parsed.version
        metadata = parsed.metadata
        metadataKeys = parsed.keys
        tensors = parsed.tensors
        alignment = parsed.alignment
        dataOffset = parsed.dataOffset
        var index: [String: Int] = [:]
        for (i, t) in parsed.tensors.enumerated() { index[t.name] = i }
        tensorIndex = index
    }

    // MARK: - Metadata

    /// The value of `key`, if present.
    public subscript(key: String) -> GGUFValue? { metadata[key] }

    /// `general.architecture`, if present.
    public var architecture: String? { metadata[GGUFKey.architecture]?.string }

    /// An integer value; throws when missing or not an integer.
    public func requireInt(_ key: String) throws -> Int {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let i = v.int else { throw GGUFError.wrongValueType(key: key, expected: "an integer", found: v.typeName) }
        return i
    }

    /// A numeric value as Float; throws when missing or not a number.
    public func requireFloat(_ key: String) throws -> Float {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let f = v.float else { throw GGUFError.wrongValueType(key: key, expected: "a number", found: v.typeName) }
        return f
    }

    /// A string value; throws when missing or not a string.
    public func requireString(_ key: String) throws -> String {
        guard let v = metadata[key] else { throw GGUFError.missingKey(key) }
        guard let s = v.string else { throw GGUFError.wrongValueType(key: key, expected: "a string", found: v.typeName) }
        return s
    }

    // MARK: - Tensors

    /// The entry for tensor `name`, if present.
    public func tensor(named name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// Calls `body` with the raw bytes of `tensor` (valid only inside `body`).
    public func withBytes<R>(of tensor: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base + dataOffset + tensor.offset, count: tensor.byteCount))
    }

    /// Dequantizes `tensor` into `out`, which must hold `tensor.elementCount` floats.
    public func dequantize(_ tensor: GGUFTensorInfo, into out: UnsafeMutablePointer<Float>) throws {
        guard tensor.type.isSupported else { throw GGUFError.unsupportedTensorType(tensor.type, tensor: tensor.name) }
        try Dequantize.run(tensor.type, from: storage.base + dataOffset + tensor.offset,
                           count: tensor.elementCount, into: out)
    }

    /// The tensor's values as Float32, in row-major order of `shape`.
    public func floats(_ tensor: GGUFTensorInfo) throws -> [Float] {
        guard tensor.type.isSupported else { throw GGUFError.unsupportedTensorType(tensor.type, tensor: tensor.name) }
        return try [Float](unsafeUninitializedCapacity: tensor.elementCount) { buffer, initialized in
            if let out = buffer.baseAddress {
                Self.populate(UnsafeMutableRawBufferPointer(buffer))
                try dequantize(tensor, into: out)
            }
            initialized = tensor.elementCount
        }
    }

    /// Maps in the pages of a fresh, large buffer with one call before it is written. Loading
    /// writes ~540 MB of Float32 weights; faulting them in one 4 KB page at a time is most of the
    /// load time on a VM (measured: 0.52 s of CPU for 540 MB page by page, 0.34 s populated in
    /// bulk). `MADV_POPULATE_WRITE` (Linux 5.14+); elsewhere, or if refused, pages fault as usual.
    ///
    /// No transparent huge pages: asked for with `MADV_HUGEPAGE`, they made a load after a few
    /// idle seconds take 0.71–0.73 s instead of 0.38–0.46 s (most likely the kernel compacting
    /// memory to find free 2 MB pages), while a training update was the same within noise (1.54
    /// vs 1.50 s). Docs/performance-inference.md, "Load".
    private static func populate(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let page = 4096, madvPopulateWrite: Int32 = 23
        guard buffer.count >= 1 << 20, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + buffer.count) / page * page
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(first, end - start, madvPopulateWrite)
        #endif
    }

    /// The values of the tensor called `name`; throws when it is absent.
    public func floats(named name: String) throws -> [Float] {
        guard let info = tensor(named: name) else { throw GGUFError.missingTensor(name) }
        return try floats(info)
    }
}

// MARK: - Storage

/// The bytes of a GGUF file: a read-only private mapping, or an owned copy. Freed in `deinit`.
private final class FileBytes: @unchecked Sendable {  // immutable after init
    let base: UnsafeRawPointer
    let size: Int
    private let mapped: Bool

    init(mapping path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError.cannotOpen(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        if size == 0 {
            // mmap refuses zero lengths; an empty file is simply truncated at byte 0.
            base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64))
            self.size = 0
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: " + String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(p)
        self.size = size
        mapped = true
    }

    init(copying data: Data) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(1, data.count), alignment: 64)
        data.withUnsafeBytes { if let src = $0.baseAddress { p.copyMemory(from: src, byteCount: data.count) } }
        base = UnsafeRawPointer(p)
        size = data.count
        mapped = false
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), size)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}
