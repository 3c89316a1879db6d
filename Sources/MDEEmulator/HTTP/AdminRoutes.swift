import Hummingbird

/// Read-only routes for tests: `/_emulator/journal`, `/_emulator/actions`, `/_emulator/clock`.
/// They need no token, are not rate-limited and are not journaled.
struct AdminRoutes<C: Clock<Duration>>: Sendable {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState<C>

    func add(to router: Router<Context>) {
        router.get("/_emulator/journal") { _, _ in
            let journal = await self.state.journal()
            return try jsonResponse(status: .ok, journal)
        }
        router.get("/_emulator/actions") { _, _ in
            let actions = await self.state.allActions()
            return try jsonResponse(status: .ok, actions)
        }
        router.get("/_emulator/clock") { _, _ in
            try jsonResponse(status: .ok, self.state.clockInfo)
        }
    }
}
