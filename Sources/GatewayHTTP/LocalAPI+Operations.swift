import Foundation
import Gateway
import GatewayState
import Hummingbird
import NIOCore
import SiteConfig

extension LocalAPI {
    /// Prometheus's content type for its text exposition format.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The routes of `operations`: `GET /metrics`, `GET /api/journal`, `GET /api/history`.
    func addOperationRoutes(to router: Router<LocalAPIContext>) {
        if let metrics = operations.metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: Self.metricsContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: metrics())))
            }
        }
        if let history = operations.history {
            router.get("/api/history") { _, _ in JSONResponse.make(history.samples) }
        }
        if let journal = operations.journal {
            let session = self.session
            router.get("/api/journal") { request, _ in
                Self.journal(request.uri.queryParameters, now: session.now().wall, from: journal)
            }
        }
    }

    /// `?since=1h&device=ess1&limit=100`: the journal's entries of the last hour about `ess1`,
    /// at most 100; a bad parameter is a 400 that names it.
    static func journal(
        _ parameters: Parameters, now: Date,
        from journal: @Sendable (LocalAPIOperations.JournalQuery) throws -> Data
    ) -> Response {
        var query = LocalAPIOperations.JournalQuery(
            since: nil, target: parameters["device"].map(String.init), limit: 1_000)
        if let since = parameters["since"] {
            guard let seconds = try? Quantity.parse(String(since), as: .duration), seconds > 0 else {
                return JSONResponse.error(
                    status: .badRequest, message: "since=\(since) is not a positive duration such as 1h or 15min")
            }
            query.since = now.addingTimeInterval(-seconds)
        }
        if let limit = parameters["limit"] {
            guard let count = Int(limit), count > 0 else {
                return JSONResponse.error(status: .badRequest, message: "limit=\(limit) is not a positive count")
            }
            query.limit = count
        }
        do {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try journal(query))))
        } catch {
            return JSONResponse.error(status: .internalServerError, message: "cannot read the journal: \(error)")
        }
    }
}
