import Foundation

extension SiteDecoder {
    /// `mqtt: {url: "mqtt://broker:1883", topic_prefix: busbar/site, username: …, password_file: …,
    /// tls: {ca: …}, interval: 30 s, discovery: homeassistant | false}`.
    func decodeMQTT(_ reader: MappingReader, siteName: String?) -> MQTTConfig? {
        guard
            let section = reader.mapping(
                "mqtt", context: "mqtt", expected: "a mapping with url, topic_prefix, username and password")
        else {
            return nil
        }
        section.checkKeys([
            "url", "topic_prefix", "username", "password", "password_file", "tls", "interval", "discovery",
        ])
        guard
            let url = section.string(
                "url", required: true, expected: "the broker, mqtt://HOST:PORT or mqtts://HOST:PORT")
        else { return nil }
        guard let components = URLComponents(string: url.value), let scheme = components.scheme,
            ["mqtt", "mqtts"].contains(scheme), let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/"
        else {
            sink.error(url.location, "url: found \"\(url.value)\", expected mqtt://HOST:PORT or mqtts://HOST:PORT")
            return nil
        }
        let tls = scheme == "mqtts"
        var mqtt = MQTTConfig(
            host: host, port: components.port ?? (tls ? 8883 : 1883), tls: tls,
            topicPrefix: MQTTConfig.defaultPrefix(site: siteName ?? "site"))
        if let prefix = section.string("topic_prefix", expected: "a topic such as busbar/site") {
            let text = prefix.value
            if text.isEmpty || text.contains("+") || text.contains("#") || text.hasPrefix("/") || text.hasSuffix("/") {
                sink.error(
                    prefix.location,
                    "topic_prefix: found \"\(text)\", expected a topic without wildcards or leading or trailing /")
            }
            mqtt.topicPrefix = text
        }
        mqtt.username = section.string("username", expected: "the broker user")?.value
        mqtt.password = secret(section, "password", expected: "the broker user's password")?.value
        if mqtt.password != nil, mqtt.username == nil {
            sink.error(section.location, "password: found a password without a username, expected both")
        }
        if let tlsSection = section.mapping("tls", context: "tls", expected: "a mapping with ca") {
            tlsSection.checkKeys(["ca"])
            if let ca = tlsSection.string(
                "ca", required: true, expected: "the CA file that signed the broker's certificate")
            {
                let path = self.path(relativeToSite: ca.value)
                if !FileManager.default.isReadableFile(atPath: path) {
                    sink.error(ca.location, "ca: cannot read \"\(ca.value)\", expected a readable CA file")
                }
                mqtt.ca = path
            }
            if !tls {
                sink.error(tlsSection.location, "tls: found tls settings for \(url.value), expected an mqtts:// url")
            }
        } else if tls {
            sink.error(
                url.location, "url: found \(url.value) without tls: {ca: …}, expected the CA file for the broker")
        }
        if let interval = section.duration("interval") {
            if interval.value < .seconds(1) {
                sink.error(interval.location, "interval: found \(interval.value), expected at least 1 s")
            }
            mqtt.interval = interval.value
        }
        if let discovery = section.string("discovery", expected: "false, or Home Assistant's discovery prefix") {
            let text = discovery.value
            if text.lowercased() == "false" {
                mqtt.discoveryPrefix = nil
            } else if text.isEmpty || text.contains("#") || text.contains("+") || text.lowercased() == "true" {
                if text.lowercased() != "true" {
                    sink.error(
                        discovery.location,
                        "discovery: found \"\(text)\", expected false, or Home Assistant's discovery prefix")
                }
            } else {
                mqtt.discoveryPrefix = text
            }
        }
        return mqtt
    }
}
