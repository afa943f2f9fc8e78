// The one atomic writer, with every system call made to fail in turn through its test seam:
// the old file is kept byte for byte, no temporary file is left, and the message says which
// file, why, and that the old one is kept.
import Foundation
import Testing
@testable import AtomicFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Atomic file writes", .serialized)
struct FaultAtomicFileTests {
    @Test("replaces the content, keeps the old mode, and leaves only the target")
    func replaces() throws {
        let dir = try FaultSupport.folder("atomic")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = URL(fileURLWithPath: dir + "/a.json")
        try AtomicFile.write("old", to: url)
        #expect(try permissions(url.path) == 0o644, "a new file is 0644")
        chmod(url.path, 0o640)
        try AtomicFile.write("new", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "new")
        #expect(try permissions(url.path) == 0o640, "a replaced file keeps its mode")
        try AtomicFile.write("private", to: url, permissions: 0o600)
        #expect(try permissions(url.path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.json"])
    }

    @Test("a failure at any step keeps the old file and removes the temporary",
          arguments: AtomicWriteError.Stage.allCases)
    func failureKeepsOldFile(stage: AtomicWriteError.Stage) throws {
        let dir = try FaultSupport.folder("stage-\(stage)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = URL(fileURLWithPath: dir + "/x.safetensors")
        let old = Data((0..<4096).map { UInt8($0 % 251) })
        try AtomicFile.write(old, to: url)
        for code in [ENOSPC, EROFS, EIO, EFBIG] {
            FaultInjection.arm(stage, code: code, pathSuffix: url.path)
            let error = #expect(throws: AtomicWriteError.self) {
                try AtomicFile.write(Data(repeating: 7, count: 10_000), to: url)
            }
            FaultInjection.disarm(pathSuffix: url.path)
            #expect(error?.stage == stage && error?.code == code && error?.keptOldFile == true)
            #expect(FileManager.default.contents(atPath: url.path) == old, "\(stage)/\(code): the old bytes are kept")
            #expect(FaultSupport.temporaries(dir).isEmpty, "\(stage)/\(code): temporaries left: \(FaultSupport.temporaries(dir))")
        }
    }

    @Test("messages name the file, the reason and what happened to the old file")
    func messages() {
        let full = AtomicWriteError(path: "p/adapter_model.safetensors", stage: .write, code: ENOSPC, keptOldFile: true)
        #expect(full.description == "cannot write 'p/adapter_model.safetensors': no space left on device (the old file is kept)")
        let readOnly = AtomicWriteError(path: "/ro/plot.svg", stage: .create, code: EROFS, keptOldFile: false)
        #expect(readOnly.description == "cannot write '/ro/plot.svg': cannot create a file in '/ro': read-only file system (nothing was written)")
        let missing = AtomicWriteError(path: "/no/such/h", stage: .create, code: ENOENT, keptOldFile: false)
        #expect(missing.description == "cannot write '/no/such/h': the folder '/no/such' does not exist (nothing was written)")
        let io = AtomicWriteError(path: "f", stage: .sync, code: EIO, keptOldFile: true)
        #expect(io.description == "cannot write 'f': input/output error (the old file is kept)")
        let bare = AtomicWriteError(path: "f", stage: .create, code: EACCES, keptOldFile: false)
        #expect(bare.description == "cannot write 'f': cannot create a file in '.': permission denied (nothing was written)")
    }

    @Test("a missing folder fails at create with nothing written")
    func missingFolder() throws {
        let error = #expect(throws: AtomicWriteError.self) {
            try AtomicFile.write("x", to: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/f.txt"))
        }
        #expect(error?.stage == .create && error?.code == ENOENT && error?.keptOldFile == false)
    }

    @Test("writeAll changes no file when a later one fails")
    func writeAllIsAllOrNothing() throws {
        let dir = try FaultSupport.folder("all")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = URL(fileURLWithPath: dir + "/a"), b = URL(fileURLWithPath: dir + "/b")
        try AtomicFile.writeAll([(Data("a1".utf8), a), (Data("b1".utf8), b)])
        FaultInjection.arm(.sync, code: ENOSPC, pathSuffix: b.path)
        #expect(throws: AtomicWriteError.self) { try AtomicFile.writeAll([(Data("a2".utf8), a), (Data("b2".utf8), b)]) }
        FaultInjection.disarm(pathSuffix: b.path)
        #expect(String(decoding: FileManager.default.contents(atPath: a.path) ?? Data(), as: UTF8.self) == "a1")
        #expect(String(decoding: FileManager.default.contents(atPath: b.path) ?? Data(), as: UTF8.self) == "b1")
        #expect(FaultSupport.temporaries(dir).isEmpty, "\(FaultSupport.temporaries(dir))")
    }

    @Test("a dead writer's temporary is removed by the next write; a live writer's is kept")
    func staleTemporaries() throws {
        let dir = try FaultSupport.folder("stale")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = URL(fileURLWithPath: dir + "/state.json")
        // A pid that cannot be running: above the kernel's pid_max.
        let dead = dir + "/" + AtomicFile.temporaryPrefix(for: url) + "99999999-abcdef"
        let live = dir + "/" + AtomicFile.temporaryPrefix(for: url) + "\(getppid())-abcdef"
        FileManager.default.createFile(atPath: dead, contents: Data("torn".utf8))
        FileManager.default.createFile(atPath: live, contents: Data("busy".utf8))
        #expect(AtomicFile.staleTemporaries(near: url) == [dead])
        try AtomicFile.write("{}", to: url)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
    }

    private func permissions(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }
}
