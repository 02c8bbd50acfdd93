using System.Net;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Hosting;

/// <summary>The cluster settings are wrong; the message says which and what to do.</summary>
public sealed class ClusterConfigurationException(string message) : Exception(message);

/// <summary>
/// How this node joins the engine's cluster, from the <c>Orleans</c> section: <c>Orleans:Clustering</c> =
/// <c>localhost</c> (default: one node, nothing to share) or <c>redis</c> (many nodes: membership and reminders in the
/// Redis of <c>ConnectionStrings:Redis</c>), <c>ServiceId</c>, <c>ClusterId</c>, <c>SiloPort</c> (11111),
/// <c>GatewayPort</c> (0: no external clients, the web node hosts its silo), <c>AdvertisedIPAddress</c> and
/// <c>GrainsFollowCallers</c> (true: a grain moves to the node its calls come from, see <c>CallerLocality</c>).
/// </summary>
public sealed record ClusterSettings(
    bool UsesRedis, string? RedisConnectionString, string ServiceId, string ClusterId, int SiloPort, int GatewayPort, IPAddress? AdvertisedIPAddress,
    bool GrainsFollowCallers = true)
{
    public static ClusterSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Orleans");
        var clustering = (section["Clustering"] ?? "localhost").Trim().ToLowerInvariant();
        if (clustering is not ("localhost" or "redis"))
            throw new ClusterConfigurationException($"Orleans:Clustering is '{section["Clustering"]}'; it must be 'localhost' (one node) or 'redis' (a cluster).");
        var redis = configuration.GetConnectionString("Redis");
        if (clustering == "redis" && string.IsNullOrWhiteSpace(redis))
            throw new ClusterConfigurationException(
                "Orleans:Clustering is 'redis' but ConnectionStrings:Redis is not set. Set it, e.g. ConnectionStrings__Redis='127.0.0.1:6379'.");
        if (clustering == "redis")
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis!);
            }
            catch (ArgumentException e)
            {
                throw new ClusterConfigurationException($"ConnectionStrings:Redis is not a valid Redis connection string: {e.Message}");
            }
        }
        IPAddress? advertised = null;
        if (section["AdvertisedIPAddress"] is { Length: > 0 } address && !IPAddress.TryParse(address, out advertised))
            throw new ClusterConfigurationException($"Orleans:AdvertisedIPAddress is '{address}'; it must be an IP address such as 10.0.0.5.");
        return new ClusterSettings(clustering == "redis", redis, Name(section, "ServiceId"), Name(section, "ClusterId"),
            Port(section, "SiloPort", 11111, allowZero: false), Port(section, "GatewayPort", 0, allowZero: true), advertised,
            Switch(section, "GrainsFollowCallers", true));
    }

    private static bool Switch(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return bool.TryParse(text.Trim(), out var on)
            ? on
            : throw new ClusterConfigurationException($"Orleans:{key} is '{text}'; it must be true or false.");
    }

    private static string Name(IConfigurationSection section, string key)
    {
        var value = section[key] ?? "matchmaker";
        return value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? value
            : throw new ClusterConfigurationException($"Orleans:{key} is '{value}'; use 1-100 letters, digits, '-', '_' or '.'.");
    }

    private static int Port(IConfigurationSection section, string key, int fallback, bool allowZero)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, out var port) && port is >= 0 and <= 65535 && (allowZero || port > 0)
            ? port
            : throw new ClusterConfigurationException($"Orleans:{key} is '{text}'; it must be a port number{(allowZero ? " (0 to switch it off)" : "")}.");
    }
}
