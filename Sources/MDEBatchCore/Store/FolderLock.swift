import Foundation

/// An exclusive `flock(2)` on a folder, held while a process creates and migrates the state
/// file in it, so that two processes opening a fresh state file at the same moment take
/// turns (one creates the tables, the other finds them).
///
/// The lock is on the folder itself: no lock file is created, and closing the descriptor
/// never touches the POSIX locks SQLite holds on the state file. A folder that cannot be
/// opened is not locked (opening then relies on SQLite's busy timeout alone).
struct FolderLock {
    private let descriptor: Int32

    init(_ folder: String) {
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        }
        self.descriptor = descriptor
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
