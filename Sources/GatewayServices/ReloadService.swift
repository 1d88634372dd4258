import Foundation
import Gateway
import Journal
import Logging
import Modbus
import ServiceLifecycle
import SiteConfig
import UnixSignals

/// Reloads the site file on SIGHUP, in place: the commands in force, the connections of
/// unchanged device endpoints and listeners, and equal local API settings are kept. An invalid
/// file, or one whose listeners or local API address cannot be bound, is rejected and the
/// running configuration continues. A graceful shutdown during the file's loading stops without
/// waiting for it; one during the applying waits for it to finish.
struct ReloadService: Service, CustomStringConvertible {
    let path: String
    let hangups: UnixSignalsSequence
    let gateway: Gateway
    let api: APIServices
    let listen: [UpstreamConfig.Profile: (host: String, port: Int)]
    let journal: JournalRecorder?
    let logger: Logger
    /// Where the endpoints and listeners a reload opens are run.
    let endpoints: ServiceGroup
    let listeners: ServiceGroup

    var description: String { "reload on SIGHUP" }

    func run() async {
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    private func reload() async {
        let path = self.path
        guard let loaded = await OffPool.runUnlessStopping("busbar-reload", { SiteLoader.load(path: path) }) else {
            logger.notice("reload abandoned: the gateway stops")
            return
        }
        switch loaded {
        case .failure(let diagnostics):
            // The file's problems first, then the verdict that follows from them.
            for diagnostic in diagnostics.diagnostics {
                FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
            }
            logger.error("reload rejected: the site file has errors; the running configuration continues")
            journal?.lifecycle(.reload, outcome: "rejected", reason: "the site file has errors")
        case .success(let site):
            do {
                let report = try await apply(site)
                journal?.lifecycle(.reload, outcome: "applied", reason: "devices handed back: \(report.handedBack)")
                logger.notice(
                    "site reloaded",
                    metadata: [
                        "site": "\(site.site.name)", "devices.handedBack": "\(report.handedBack)",
                        "endpoints.kept": "\(report.keptEndpoints)", "endpoints.opened": "\(report.openedEndpoints)",
                        "listeners.kept": "\(report.keptListeners)", "listeners.opened": "\(report.openedListeners)",
                    ])
            } catch {
                // Nothing of the new site is left running: the reload binds before it applies.
                logger.error(
                    "reload rejected: the new site cannot listen; the running configuration continues",
                    metadata: ["error": "\(error)"])
                journal?.lifecycle(.reload, outcome: "rejected", reason: "\(error)")
            }
        }
    }

    /// Binds the new listeners, then the new local API, then applies the site and runs what it opened.
    private func apply(_ site: LoadedSite) async throws -> Gateway.ReloadReport {
        let (gateway, listen) = (self.gateway, self.listen)
        let prepared = try await OffPool.run("busbar-reload-bind") {
            Result { () throws(ModbusError) in try gateway.prepareReload(to: site, listen: listen) }
        }.get()
        do { try await api.replace(with: APIServices.Settings(site: site.site)) } catch {
            await OffPool.run("busbar-reload-abandon") { gateway.abandon(prepared) }
            throw error
        }
        let report = await OffPool.run("busbar-reload-apply") { gateway.apply(prepared) }
        for service in report.newEndpoints {
            await endpoints.addServiceUnlessShutdown(.init(service: service, successTerminationBehavior: .ignore))
        }
        for service in report.newListeners {
            await listeners.addServiceUnlessShutdown(.init(service: service, successTerminationBehavior: .ignore))
        }
        return report
    }
}
