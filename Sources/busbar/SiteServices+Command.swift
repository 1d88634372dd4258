import ArgumentParser
import Gateway
import GatewayServices
import Logging
import SiteConfig

extension SiteServices {
    /// Makes the site's services (binding the listeners off the cooperative pool) and runs them
    /// until a graceful shutdown; a listener or local API that cannot be bound gets a clear
    /// message and a failure exit, and no device is touched.
    static func runOrExit(
        site: LoadedSite, options: Options, routes: OperatorRoutes, signals: TrappedSignals, logger: Logger
    ) async throws {
        let made = await OffPool.run("busbar-start") {
            Result { try SiteServices(site: site, options: options, routes: routes, signals: signals, logger: logger) }
        }
        let services: SiteServices
        do { services = try made.get() } catch {
            CommandFailure.printError("\(error)")
            throw ExitCode.failure
        }
        do { try await services.run() } catch {
            CommandFailure.printError("\(error)")
            throw ExitCode.failure
        }
    }
}

extension OperatorRoutes {
    /// The routes, or a clear message and a failure exit when the journal cannot be opened.
    static func open(journal path: String?, logger: Logger) throws -> OperatorRoutes {
        do { return try OperatorRoutes(journal: path, logger: logger) } catch {
            CommandFailure.printError("cannot open the journal \(path ?? "-"): \(error)")
            throw ExitCode.failure
        }
    }
}
