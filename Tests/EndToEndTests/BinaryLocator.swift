import Foundation

/// Finds the built `mdebatch` binary beside the test bundle.
enum BinaryLocator {
    static var mdebatch: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test bundle may be a directory (.xctest) on some platforms.
        while dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("mdebatch")
    }
}
