import Hummingbird

/// The steps every `/api` route takes: the token and the rate limit first, then the faults.
protocol APIRouteSteps: Sendable {
    associatedtype C: Clock<Duration>
    var state: EmulatorState<C> { get }
}

extension APIRouteSteps {
    /// Checks the bearer token (401 when missing, malformed or expired; 403 when issued for
    /// another audience), then counts the call against its bucket (429 when full). Calls refused
    /// for their audience are not counted.
    func gate(_ request: Request, api: EmulatorAPI) async throws {
        guard let header = request.headers[.authorization] else { throw MDEError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let audience = state.audience(ofValidToken: String(parts[1]))
        else {
            throw MDEError.unauthorized
        }
        guard MDEAudience.isAccepted(audience) else { throw MDEError.wrongAudience(audience) }
        if let retryAfter = await state.admit(api) {
            throw MDEError.tooManyRequests(retryAfterSeconds: wholeSecondsRoundedUp(retryAfter))
        }
    }

    /// Draws a fault and applies those that strike before anything is created.
    func preFault(_ context: EmulatorRequestContext, eligible: Bool) async throws -> FaultKind? {
        guard eligible, let fault = await state.drawFault() else { return nil }
        switch fault {
        case .internalServerError:
            context.draft.update { $0.fault = fault.name }
            throw MDEError.internalServerError
        case .serviceUnavailable(let retryAfter):
            context.draft.update { $0.fault = fault.name }
            throw MDEError.serviceUnavailable(retryAfterSeconds: wholeSecondsRoundedUp(retryAfter))
        case .dropBeforeCreate:
            context.draft.update { $0.fault = fault.name }
            await context.dropConnection()
            throw ConnectionDropped()
        case .dropAfterCreate, .delayAfterCreate:
            return fault
        }
    }

    /// Applies a fault that strikes after the action was created (or cancelled).
    func postFault(_ fault: FaultKind?, _ context: EmulatorRequestContext) async throws {
        switch fault {
        case .dropAfterCreate:
            context.draft.update { $0.fault = FaultKind.dropAfterCreate.name }
            await context.dropConnection()
            throw ConnectionDropped()
        case .delayAfterCreate(let delay):
            context.draft.update { $0.fault = "delay" }
            try await state.sleep(for: delay)
        default:
            return
        }
    }
}
