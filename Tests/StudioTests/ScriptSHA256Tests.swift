import Foundation
import Testing
import Studio

/// The SHA-256 behind model fingerprints, against the FIPS 180-4 / NIST example vectors.
@Suite("SHA-256")
struct ScriptSHA256Tests {
    @Test("NIST vectors: empty, abc, two-block message, one million 'a'", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(message: String, expected: String) {
        #expect(SHA256.hex(Array(message.utf8)) == expected)
    }

    @Test("one million 'a', fed in uneven pieces, and a file give the same digest")
    func streaming() throws {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        var hash = SHA256()
        var fed = 0
        var piece = 1
        while fed < 1_000_000 {
            let n = min(piece, 1_000_000 - fed)
            hash.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            fed += n
            piece = piece * 3 % 1000 + 1  // 1, 4, 13, 40, … crosses block boundaries at every offset
        }
        #expect(hash.finalize().map { String(format: "%02x", $0) }.joined() == expected)

        let path = try StudioHarness.temporaryDirectory() + "/a.bin"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(ofFileAt: path) == expected)
    }

    @Test("lengths around the padding boundary (55, 56, 63, 64 bytes) differ and are stable")
    func paddingBoundaries() {
        // Known digests of "a" repeated n times (computed with coreutils sha256sum).
        let known: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (n, digest) in known {
            #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: n)) == digest, "length \(n)")
        }
    }
}
