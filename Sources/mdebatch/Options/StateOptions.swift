import ArgumentParser
import Foundation
import MDEBatchCore

/// `--state PATH`, shared by every command that reads or writes the state file.
struct StateOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The state file.",
            discussion:
                "Default: $MDEBATCH_STATE, else $XDG_STATE_HOME/mdebatch/state.sqlite, else ~/.local/state/mdebatch/state.sqlite.",
            valueName: "path"))
    var state: String?

    var path: String { StatePath.resolve(explicit: state, environment: ProcessInfo.processInfo.environment) }

    /// Opens the state file, creating it if needed (`run`, `resume`, `cancel`).
    func open() throws -> StateStore { try StateStore.open(path: path) }

    /// Opens an existing state file; says so when there is none, and creates nothing
    /// (`jobs`, `status`, `report`).
    func openExisting() throws -> StateStore { try StateStore.openExisting(path: path) }
}
