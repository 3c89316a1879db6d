import Foundation
import MDEBatchCore
import Testing

/// ``OutputPath/check(_:)``: how each kind of path is written, and the usage errors.
struct OutputPathTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func standardNamesAreDescriptors() throws {
        #expect(try OutputPath.check("-") == .descriptor(1))
        #expect(try OutputPath.check("/dev/stdout") == .descriptor(1))
        #expect(try OutputPath.check("/dev/stderr") == .descriptor(2))
    }

    @Test func newAndExistingFilesAreReplaced() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try OutputPath.check(path("new.csv")) == .file(path: path("new.csv")))
        FileManager.default.createFile(atPath: path("old.csv"), contents: Data("x".utf8))
        #expect(try OutputPath.check(path("old.csv")) == .file(path: path("old.csv")))
        // The probe file is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["old.csv"])
    }

    @Test func aLinkIsWrittenThroughToItsTarget() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        FileManager.default.createFile(atPath: path("real.csv"), contents: nil)
        try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: path("real.csv"))
        let real = try #require(realpath(path("real.csv"), nil))
        defer { free(real) }
        #expect(try OutputPath.check(path("link.csv")) == .file(path: String(cString: real)))
        try FileManager.default.createSymbolicLink(atPath: path("dangling.csv"), withDestinationPath: path("none/x"))
        #expect(throws: OutputPathError.danglingLink(path: path("dangling.csv"), target: path("none/x"))) {
            try OutputPath.check(path("dangling.csv"))
        }
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(path("f"), 0o600) == 0)
        #expect(try OutputPath.check(path("f")) == .inPlace(path: path("f")))
    }

    @Test func foldersAndMissingFoldersAreUsageErrors() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: OutputPathError.isFolder(path: folder.path)) { try OutputPath.check(folder.path) }
        #expect(throws: OutputPathError.missingFolder(path: path("no/r.csv"), folder: path("no"))) {
            try OutputPath.check(path("no/r.csv"))
        }
        FileManager.default.createFile(atPath: path("file"), contents: nil)
        #expect(throws: OutputPathError.parentNotFolder(path: path("file/r.csv"), parent: path("file"))) {
            try OutputPath.check(path("file/r.csv"))
        }
        #expect(throws: OutputPathError.empty) { try OutputPath.check("") }
        #expect(OutputPathError.isFolder(path: "/tmp").description.contains("/tmp/report.csv"))
    }
}
