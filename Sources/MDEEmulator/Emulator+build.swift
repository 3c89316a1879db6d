import Hummingbird
import Logging
import NIOCore

/// Builds the emulator application on `clock`.
///
/// - Parameters:
///   - configuration: Credentials, limits, lifecycle, faults, inventory, host and port.
///   - clock: The emulator's clock; a `ScaledClock` in production, a manual clock in tests.
///   - logger: The server's logger.
///   - onServerRunning: Called once the server listens (its channel tells the bound port).
/// - Throws: `InventoryError` when the inventory is not consistent; an error when the journal file cannot be opened.
public func buildEmulator<C: Clock<Duration>>(
    configuration: EmulatorConfiguration,
    clock: C,
    logger: Logger = Logger(label: EmulatorVersion.name),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let state = try EmulatorState(configuration: configuration, clock: clock)
    return buildEmulator(state: state, logger: logger, onServerRunning: onServerRunning)
}

/// Builds the emulator application around existing state (so a caller can read the journal directly).
public func buildEmulator<C: Clock<Duration>>(
    state: EmulatorState<C>,
    logger: Logger = Logger(label: EmulatorVersion.name),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let configuration = state.configuration
    return Application(
        router: buildRouter(state: state),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: EmulatorVersion.name
        ),
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// The emulator's routes: token endpoints, `/api` (actions and inventory), and the read-only `/_emulator` routes.
public func buildRouter<C: Clock<Duration>>(state: EmulatorState<C>) -> Router<EmulatorRequestContext> {
    let router = Router(context: EmulatorRequestContext.self)
    router.add(middleware: JournalAndErrorMiddleware(state: state))
    TokenRoutes(state: state).add(to: router)
    ActionRoutes(state: state).add(to: router)
    InventoryRoutes(state: state).add(to: router)
    AdminRoutes(state: state).add(to: router)
    return router
}
