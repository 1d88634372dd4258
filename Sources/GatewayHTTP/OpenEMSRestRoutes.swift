import Control
import Foundation
import GatewayState
import Hummingbird
import NIOCore
import Upstreams

/// OpenEMS's REST API (`Controller.Api.Rest.ReadWrite`, `RestHandler`) on the local API, so
/// that evcc's `openems` template and other OpenEMS REST readers work unmodified:
///
/// - `GET /rest/channel/{component}/{channel}`: the channel's document; both parts are Java
///   regular expressions matched whole (`/rest/channel/_sum/.*`, `/rest/channel/ess0/Set.*`),
///   one match answers one object, several an array, none 404.
/// - `POST /rest/channel/{component}/{channel}` with `{"value": W}`: a writable channel of the
///   table (the ESS cluster's SetActivePower…, a chargepoint's SetChargePowerLimit) becomes the
///   same command a Modbus write of it gives, from the source `openems-rest`, whose watchdog
///   ends it when no write refreshes it; `{"value": null}` releases that channel's target, as
///   OpenEMS drops a value written as null. The answer is `{}`.
///
/// The channels are the records of the OpenEMS profile's table for the site the snapshot
/// shows, with the values the Modbus table renders: one table for both APIs.
struct OpenEMSRestRoutes: Sendable {
    /// The command source of every write.
    static let source = SourceID(GatewaySources.openemsRest)
    /// A POST body is one small JSON object.
    static let maximumBodySize = 4096

    let snapshot: @Sendable () -> GatewaySnapshot
    let sink: any CommandSink

    func register(on router: Router<LocalAPIContext>) {
        let routes = self
        router.get("/rest/channel/:component/:channel") { _, context in
            routes.read(component: Self.parameter("component", context), channel: Self.parameter("channel", context))
        }
        router.post("/rest/channel/:component/:channel") { request, context in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumBodySize)
            } catch {
                return JSONResponse.error(
                    status: .contentTooLarge, message: "the body is larger than \(Self.maximumBodySize) bytes")
            }
            return routes.write(
                component: Self.parameter("component", context), channel: Self.parameter("channel", context),
                body: Data(body.readableBytesView), client: context.client)
        }
    }

    /// A path parameter, percent-decoding what a client encoded (`%7C` for `|` in a regex).
    private static func parameter(_ name: String, _ context: LocalAPIContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The OpenEMS profile for the site `snapshot` shows.
    private static func profile(for snapshot: GatewaySnapshot) -> OpenEMSRegisterProfile {
        OpenEMSRegisterProfile(
            table: OpenEMSTable(layout: OpenEMSProfile.layout(for: snapshot)), apiTimeout: nil)
    }

    func read(component: String, channel: String) -> Response {
        let componentPattern: Regex<AnyRegexOutput>
        let channelPattern: Regex<AnyRegexOutput>
        do {
            componentPattern = try Regex(component)
            channelPattern = try Regex(channel)
        } catch {
            return JSONResponse.error(
                status: .badRequest, message: "not a regular expression: \(component)/\(channel): \(error)")
        }
        let current = snapshot()
        let profile = Self.profile(for: current)
        let documents = profile.openems.channels.filter { channel, entry in
            entry.point.component.wholeMatch(of: componentPattern) != nil
                && channel.rawValue.wholeMatch(of: channelPattern) != nil
        }.map { channel, entry in
            OpenEMSChannelDocument(
                channel: channel, entry: entry,
                shown: profile.value(of: entry, snapshot: current, state: profile.initialState))
        }
        switch documents.count {
        case 0: return JSONResponse.error(status: .notFound, message: "no channel matches \(component)/\(channel)")
        case 1: return JSONResponse.make(documents[0])
        default: return JSONResponse.make(documents)
        }
    }

    func write(component: String, channel name: String, body: Data, client: String? = nil) -> Response {
        let current = snapshot()
        let profile = Self.profile(for: current)
        guard
            let entry = profile.openems.channels.first(where: {
                $0.entry.point.component == component && $0.channel.rawValue == name
            })?.entry
        else {
            return JSONResponse.error(status: .notFound, message: "no channel \(component)/\(name)")
        }
        guard entry.access.isWritable else {
            return JSONResponse.error(status: .badRequest, message: "channel \(entry.name) is read-only")
        }
        let value: JSONValue?
        do {
            guard case .object(let object) = try JSONCoding.decoder().decode(JSONValue.self, from: body) else {
                return JSONResponse.error(status: .badRequest, message: "the body must be a JSON object")
            }
            value = object["value"]
        } catch {
            return JSONResponse.error(status: .badRequest, message: "the body is not JSON: \(error)")
        }
        switch value {
        case nil:
            return JSONResponse.error(status: .badRequest, message: "value is missing")
        case .some(.null):
            sink.release(Self.source, target: Self.target(of: entry, in: profile.openems.layout))
        case .some(.number(let number)):
            guard entry.accepts(number) else {
                return JSONResponse.error(
                    status: .badRequest, message: "\(number) is not a value for \(entry.name)")
            }
            do throws(CommandRejection) {
                let commands = try profile.commands(
                    for: [FieldWrite(field: entry, value: number)], snapshot: current, now: sink.now(),
                    from: Self.source)
                for command in commands {
                    if case .failure(let rejection) = sink.submit(command, client: client) { throw rejection }
                }
            } catch {
                return JSONResponse.error(status: .badRequest, message: "\(entry.name): \(error)")
            }
            sink.refresh(Self.source)
        case .some(let other):
            return JSONResponse.error(
                status: .badRequest, message: "value must be a number or null, got \(other.typeName)")
        }
        return JSONResponse.make([String: String]())
    }

    /// What a channel's commands act on: the ESS cluster, or the chargepoint of an Evcs block.
    private static func target(of entry: OpenEMSTable.Entry, in layout: OpenEMSLayout) -> Target? {
        guard let index = entry.point.componentIndex else { return nil }
        switch layout.components[index].kind {
        case .ess: return .essCluster
        case .evcs(let device): return .device(DeviceID(device))
        case .sum, .meter: return nil
        }
    }
}
