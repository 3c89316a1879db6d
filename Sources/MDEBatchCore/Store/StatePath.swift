import Foundation

/// Where the state file lives when `--state` is not given (docs/OPERATIONS.md, "The state file").
public enum StatePath {
    /// `$MDEBATCH_STATE`, else `$XDG_STATE_HOME/mdebatch/state.sqlite`, else
    /// `~/.local/state/mdebatch/state.sqlite`.
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment["MDEBATCH_STATE"], !path.isEmpty { return path }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return (xdg as NSString).appendingPathComponent("mdebatch/state.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/mdebatch/state.sqlite")
    }
}
