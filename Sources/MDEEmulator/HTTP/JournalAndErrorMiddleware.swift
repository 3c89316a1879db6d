import Foundation
import Hummingbird
import Logging

/// Journals every API request and turns every error into the API's error shape.
///
/// Hummingbird's own errors (unknown route, method not allowed, body too large) become MDE error
/// bodies; anything unexpected becomes a 500 `InternalServerError` instead of a crash.
struct JournalAndErrorMiddleware<C: Clock<Duration>>: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState<C>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let journaled = !request.uri.path.hasPrefix("/_emulator/")
        let time = state.now.iso8601
        func record(_ status: Int?) async {
            guard journaled else { return }
            let fields = context.draft.snapshot
            await state.record(
                JournalEntry(
                    time: time, method: request.method.rawValue, path: request.uri.string, status: status,
                    api: fields.api, machineId: fields.machineId, actionId: fields.actionId, sha1: fields.sha1,
                    created: fields.created, fault: fields.fault
                )
            )
        }
        do {
            let response = try await next(request, context)
            await record(response.status.code)
            return response
        } catch let error as MDEError {
            await record(error.status.code)
            throw error
        } catch let error as EntraError {
            await record(error.status.code)
            throw error
        } catch let error as ConnectionDropped {
            await record(nil)
            throw error
        } catch let error as CancellationError {
            // Shutting down while a request was held (e.g. by a delay fault): no response is sent.
            await record(nil)
            throw error
        } catch let error as HTTPError {
            let mapped = Self.map(error, path: request.uri.path, maxBodyBytes: state.configuration.maxBodyBytes)
            await record(mapped.status.code)
            throw mapped
        } catch {
            context.logger.error("Unexpected error: \(error)")
            await record(500)
            throw MDEError.internalServerError
        }
    }

    static func map(_ error: HTTPError, path: String, maxBodyBytes: Int) -> MDEError {
        switch error.status {
        case .notFound:
            return isKnownPath(path) ? .methodNotAllowed : .notFound
        case .methodNotAllowed:
            return .methodNotAllowed
        case .contentTooLarge:
            return .bodyTooLarge(limit: maxBodyBytes)
        case .badRequest:
            return .invalidRequestBody
        default:
            return MDEError(
                status: error.status, code: error.status.reasonPhrase.replacingOccurrences(of: " ", with: ""),
                message: error.body ?? error.status.reasonPhrase)
        }
    }

    /// Whether `path` names a resource the emulator serves with some method (under `/api` or `/api/v1.0`).
    static func isKnownPath(_ path: String) -> Bool {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map { $0.lowercased() }
        if segments.count > 2, segments[0] == "api", segments[1] == "v1.0" { segments.remove(at: 1) }
        switch segments.count {
        case 2:
            return segments == ["api", "machineactions"] || segments == ["api", "machines"] || (segments[0] == "_emulator")
        case 3:
            return (segments[0] == "api" && (segments[1] == "machineactions" || segments[1] == "files"))
                || (segments[1] == "oauth2" && segments[2] == "token")
        case 4:
            return (segments[0] == "api" && segments[1] == "machines" && segments[3] == "stopandquarantinefile")
                || (segments[0] == "api" && segments[1] == "machineactions" && segments[3] == "cancel")
                || (segments[0] == "api" && segments[1] == "files" && segments[3] == "machines")
                || (segments[1] == "oauth2" && segments[2] == "v2.0" && segments[3] == "token")
        default:
            return false
        }
    }
}
