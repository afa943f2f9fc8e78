import Numerics

/// Reads the header, metadata and tensor infos of a GGUF file, validating as it goes.
enum GGUFParser {
    /// The magic bytes `GGUF`.
    static let magic: [UInt8] = Array("GGUF".utf8)
    /// Default data alignment when `general.alignment` is absent.
    static let defaultAlignment = 32
    /// ggml's `GGML_MAX_DIMS`.
    static let maximumDimensions: UInt32 = 4
    /// Smallest tensor-info record: name length, dimension count, type, offset.
    static let minimumTensorInfoSize = 8 + 4 + 4 + 8
    /// Smallest metadata record: key length, value type, one-byte value.
    static let minimumKeyValueSize = 8 + 4 + 1

    struct Parsed {
        var version: Int
        var metadata: [String: GGUFValue]
        var keys: [String]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataOffset: Int
    }

    static func parse(base: UnsafeRawPointer, size: Int) throws -> Parsed {
        var reader = GGUFByteReader(base: base, size: size)

        // MARK: Header
        reader.context = "the magic"
        let magicBytes = Array(UnsafeRawBufferPointer(start: try reader.take(4), count: 4))
        guard magicBytes == magic else { throw GGUFError.invalidMagic(found: magicBytes) }
        reader.context = "the version"
        let version = try reader.read(UInt32.self)
        if version != 2 && version != 3 {
            if version & 0xFFFF == 0, [2, 3].contains(version.byteSwapped) { throw GGUFError.bigEndian(version: version) }
            throw GGUFError.unsupportedVersion(version)
        }
        reader.context = "the tensor count"
        let tensorCount = try reader.count("tensor count", minimumSize: minimumTensorInfoSize)
        reader.context = "the metadata count"
        let keyCount = try reader.count("metadata count", minimumSize: minimumKeyValueSize)

        // MARK: Metadata
        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        keys.reserveCapacity(keyCount)
        for i in 0..<keyCount {
            reader.context = "metadata key \(i + 1) of \(keyCount)"
            let key = try reader.string()
            reader.context = "metadata key \(i + 1) of \(keyCount) ('\(key)')"
            let type = try reader.valueType()
            let value = try reader.value(of: type)
            guard metadata.updateValue(value, forKey: key) == nil else { throw GGUFError.duplicateKey(key) }
            keys.append(key)
        }

        var alignment = defaultAlignment
        if let value = metadata[GGUFKey.alignment] {
            guard let a = value.int, a > 0, a & (a - 1) == 0, a <= 1 << 20 else {
                throw GGUFError.invalidAlignment("\(value) (\(value.typeName))")
            }
            alignment = a
        }

        // MARK: Tensor infos
        struct RawInfo { var name: String; var dims: [UInt64]; var type: UInt32; var offset: UInt64 }
        var raw: [RawInfo] = []
        raw.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            reader.context = "tensor info \(i + 1) of \(tensorCount)"
            let name = try reader.string()
            reader.context = "tensor info \(i + 1) of \(tensorCount) ('\(name)')"
            let n = try reader.read(UInt32.self)
            guard n >= 1, n <= maximumDimensions else { throw GGUFError.invalidDimensionCount(tensor: name, count: n) }
            var dims: [UInt64] = []
            for _ in 0..<n { dims.append(try reader.read(UInt64.self)) }
            let type = try reader.read(UInt32.self)
            let offset = try reader.read(UInt64.self)
            raw.append(RawInfo(name: name, dims: dims, type: type, offset: offset))
        }

        // The data section starts at the next multiple of the alignment.
        let dataOffset = (reader.position + alignment - 1) / alignment * alignment

        // MARK: Tensor validation
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        var seen = Set<String>()
        for r in raw {
            guard seen.insert(r.name).inserted else { throw GGUFError.duplicateTensor(r.name) }
            guard let type = GGMLType(rawValue: r.type) else { throw GGUFError.unknownTensorType(r.type, tensor: r.name) }
            var count = 1
            for d in r.dims {
                guard d < UInt64(Int.max), case let (p, overflow) = count.multipliedReportingOverflow(by: Int(d)), !overflow else {
                    throw GGUFError.invalidShape(tensor: r.name, dimensions: r.dims, reason: "element count overflows")
                }
                count = p
            }
            guard Int(r.dims[0]) % type.blockSize == 0 else {
                throw GGUFError.invalidShape(tensor: r.name, dimensions: r.dims,
                                             reason: "first dimension is not a multiple of the \(type.name) block size \(type.blockSize)")
            }
            guard let bytes = type.byteCount(elements: count) else {
                throw GGUFError.invalidShape(tensor: r.name, dimensions: r.dims, reason: "byte size overflows")
            }
            guard r.offset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedTensor(tensor: r.name, offset: r.offset, alignment: alignment)
            }
            let start = UInt64(dataOffset).addingReportingOverflow(r.offset)
            let end = start.partialValue.addingReportingOverflow(UInt64(bytes))
            guard !start.overflow, !end.overflow, end.partialValue <= UInt64(size) else {
                throw GGUFError.tensorOutOfRange(tensor: r.name, start: start.partialValue,
                                                 end: end.partialValue, fileSize: size)
            }
            tensors.append(GGUFTensorInfo(name: r.name, dimensions: r.dims.map { Int($0) }, type: type,
                                          offset: Int(r.offset), elementCount: count, byteCount: bytes))
        }

        return Parsed(version: Int(version), metadata: metadata, keys: keys, tensors: tensors,
                      alignment: alignment, dataOffset: dataOffset)
    }
}
