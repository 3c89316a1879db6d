import Foundation
import MDEBatchCore
import Testing

struct CallFailureTests {
    @Test(arguments: [
        (CallFailure(kind: .http(status: 429)), FailureCategory.rateLimited),
        (CallFailure(kind: .http(status: 408)), .inDoubt),
        (CallFailure(kind: .http(status: 500)), .inDoubt),
        (CallFailure(kind: .http(status: 502)), .inDoubt),
        (CallFailure(kind: .http(status: 503)), .inDoubt),
        (CallFailure(kind: .http(status: 504)), .inDoubt),
        (CallFailure(kind: .timeout), .inDoubt),
        (CallFailure(kind: .connection("connection reset by peer")), .inDoubt),
        (CallFailure(kind: .invalidResponse("not JSON")), .inDoubt),
        (CallFailure(kind: .http(status: 400), code: "ActiveRequestAlreadyExists"), .alreadyPending),
        (CallFailure(kind: .http(status: 400), code: "activeRequestAlreadyExists"), .alreadyPending),
        (CallFailure(kind: .http(status: 400), code: "InvalidHashValue"), .permanent),
        (CallFailure(kind: .http(status: 400)), .permanent),
        (CallFailure(kind: .http(status: 401), code: "Unauthorized"), .unauthorized),
        (CallFailure(kind: .http(status: 403), code: "Forbidden"), .forbidden),
        (CallFailure(kind: .http(status: 404), code: "ResourceNotFound"), .notFound),
        (CallFailure(kind: .http(status: 409)), .permanent),
        (CallFailure(kind: .http(status: 422)), .permanent),
        (CallFailure(kind: .http(status: 409), code: "ActiveRequestAlreadyExists"), .permanent),
    ])
    func categoryTable(failure: CallFailure, category: FailureCategory) {
        #expect(failure.category == category)
    }

    @Test func descriptionKeepsCodeMessageAndTarget() {
        let failure = CallFailure(
            kind: .http(status: 404), code: "ResourceNotFound", message: "Machine 123 was not found",
            target: "43f4cb08")
        #expect(
            failure.description
                == "The API answered HTTP 404 ResourceNotFound: Machine 123 was not found (request id 43f4cb08).")
        #expect(
            CallFailure(kind: .http(status: 429), retryAfter: 7).description
                == "The API answered HTTP 429; retry after 7 s.")
        #expect(CallFailure(kind: .timeout).description == "The request timed out.")
    }
}
