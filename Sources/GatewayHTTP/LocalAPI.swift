import Control
public import Foundation
public import Gateway
public import GatewayState
package import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import ServiceLifecycle

/// The local JSON API for Home Assistant, openHAB and scripts: the push document on
/// `GET /api/current-data`, the push response's schema on `POST /api/control-modes` (as source
/// `local`), `GET /api/status`, and the status page at `/` that shows it. Loopback by default,
/// with an optional bearer token.
public struct LocalAPI: Sendable, Service {
    /// The settings.
    public let configuration: LocalAPIConfiguration
    /// The local command source and its refusals.
    package let session: ControlSession

    private let snapshot: @Sendable () -> GatewaySnapshot
    private let logger: Logger
    private let onServerRunning: @Sendable (Int) async -> Void
    private let pushStatus: (@Sendable () -> PushStatus)?
    /// The metrics and other operators' routes beside the control documents.
    let operations: LocalAPIOperations
    /// OpenEMS's REST API on `/rest/channel`, as source `openems-rest`.
    private let openemsRest: OpenEMSRestRoutes

    /// An API on `configuration`'s address, reading `snapshot` and commanding `sink`.
    /// `pushStatus` adds a push client's state to `/api/status` (pass `{ push.status }`);
    /// `onServerRunning` gets the bound port (useful with port 0); `wallClock` is for tests.
    public init(
        configuration: LocalAPIConfiguration, snapshot: @escaping @Sendable () -> GatewaySnapshot,
        sink: any CommandSink,
        logger: Logger, pushStatus: (@Sendable () -> PushStatus)? = nil,
        operations: LocalAPIOperations = LocalAPIOperations(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.pushStatus = pushStatus
        self.operations = operations
        self.configuration = configuration
        self.snapshot = snapshot
        self.logger = logger
        self.onServerRunning = onServerRunning
        self.openemsRest = OpenEMSRestRoutes(snapshot: snapshot, sink: sink)
        self.session = ControlSession(
            source: LocalAPIConfiguration.source, sink: sink, snapshot: snapshot,
            maximumBodySize: configuration.maximumBodySize, logger: logger, wallClock: wallClock)
    }

    /// Serves until cancelled or (in a service group) until a graceful shutdown, which lets the
    /// server close its connections and end without an error. The control core runs the local
    /// schedule's slots.
    public func run() async throws {
        try await makeApplication().run()
    }

    /// The Hummingbird application: routes, token check, address, and the connection limits.
    package func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: LocalAPIContext.self)
        // The page carries no data, so it is served without the token (it asks for one); the
        // middleware covers only the routes added after it, every data route.
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: StatusPage.contentType, .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: StatusPage.html)))
        }
        if let token = configuration.bearerToken {
            router.add(middleware: BearerTokenMiddleware(token: token))
        }
        let api = self
        router.get("/api/current-data") { _, _ in api.currentData() }
        router.get("/api/status") { _, _ in api.status() }
        router.post("/api/control-modes") { request, context in await api.controlModes(request, client: context.client)
        }
        addOperationRoutes(to: router)
        openemsRest.register(on: router)
        let onServerRunning = self.onServerRunning
        let requestTimeout = TimeAmount(configuration.requestTimeout)
        return Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [RequestDeadlineHandler(timeout: requestTimeout)],
                    idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "busbar",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    private var audience: DocumentAudience { DocumentAudience(priority: configuration.priority) }

    func currentData() -> Response {
        JSONResponse.make(
            CurrentDataDocument(
                snapshot: snapshot(), at: session.now(), for: audience, rejected: session.pendingRejections))
    }

    func status() -> Response {
        JSONResponse.make(StatusDocument(snapshot: snapshot(), at: session.now(), push: pushStatus?()))
    }

    /// Applies a control request from `client` (its address, for the audit journal).
    func controlModes(_ request: Request, client: String?) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumBodySize)
        } catch {
            let refusal = ControlRequestError.tooLarge(limit: configuration.maximumBodySize)
            session.reject(refusal)
            return JSONResponse.error(status: .contentTooLarge, message: refusal.description)
        }
        let issued = session.now()
        switch session.handle(body: body.readableBytesView, client: client) {
        case .success(let outcome):
            let current = await decision(after: issued, changed: !outcome.accepted.isEmpty || !outcome.released.isEmpty)
            let document = CurrentDataDocument(snapshot: current, at: session.now(), for: audience)
            return JSONResponse.make(
                ControlModesAnswer(outcome: outcome, activeControlModes: document.activeControlModes),
                status: outcome.rejected.isEmpty ? .ok : .unprocessableContent)
        case .failure(let error):
            let at = issued.wall
            let rejected = error.problems.map { RejectedControlMode($0, at: at) }
            switch error {
            case .invalidJSON:
                return JSONResponse.error(status: .badRequest, message: error.description, rejected: rejected)
            case .tooLarge:
                return JSONResponse.error(status: .contentTooLarge, message: error.description, rejected: rejected)
            case .invalid:
                return JSONResponse.error(
                    status: .unprocessableContent, message: "\(rejected.count) problem(s); nothing was changed",
                    rejected: rejected)
            }
        }
    }

    /// The first snapshot whose decision was taken after `issued` (or the latest, after
    /// `decisionWait`), so the answer shows what the request did.
    private func decision(after issued: TimeBase, changed: Bool) async -> GatewaySnapshot {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.decisionWait
        var current = snapshot()
        while changed, (current.decision?.at ?? current.at) < issued.control, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
            current = snapshot()
        }
        return current
    }
}

/// The answer to a `POST /api/control-modes` that was applied.
public struct ControlModesAnswer: Codable, Sendable, Hashable {
    /// What the request did.
    public var outcome: ControlOutcome
    /// Per target, the command in force with the highest precedence after the request.
    package var activeControlModes: [String: ActiveControlMode]

    public init(outcome: ControlOutcome, activeControlModes: [String: ActiveControlMode]) {
        self.outcome = outcome
        self.activeControlModes = activeControlModes
    }
}
