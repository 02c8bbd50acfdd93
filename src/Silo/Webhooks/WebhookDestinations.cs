using System.Net;
using System.Net.Sockets;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Matchmaker.Silo.Webhooks;

/// <summary>
/// Where a webhook may post: an absolute https URL whose host is, and resolves to, a public address only. Judged when
/// the URL is registered (refused with <see cref="RuleCode.WebhookUrlNotAllowed"/> on <c>url</c>) and again at every send,
/// in the HTTP client's connect step: the name is resolved there, every address checked, and the socket connected to the
/// checked address itself, so a name that resolves publicly at registration and privately later (DNS rebinding) is
/// still refused. Loopback is allowed only with <c>Webhooks:AllowLoopbackForTests</c> in the Development or Test
/// environment (the tests' local receiver); never in production, whatever the setting.
/// </summary>
public sealed class WebhookDestinations
{
    public const string AllowLoopbackSetting = "Webhooks:AllowLoopbackForTests";

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public WebhookDestinations(bool allowLoopback, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        AllowsLoopback = allowLoopback;
        _resolve = resolve ?? ((host, cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken));
    }

    /// <summary>The setting counts only where tests and developers run; elsewhere it is ignored.</summary>
    public static WebhookDestinations FromConfiguration(IConfiguration configuration, IHostEnvironment environment) =>
        new(configuration.GetValue(AllowLoopbackSetting, false) && (environment.IsDevelopment() || environment.IsEnvironment("Test")));

    public bool AllowsLoopback { get; }

    /// <summary>Thrown by the connect step for an address that is not allowed; the dispatcher reports it as such.</summary>
    public sealed class AddressRefusedException(string host) : Exception($"The webhook's host {host} is, or resolves to, an address that is not allowed.");

    /// <summary>The registration's check: the URL as it will be used, or a refusal on <c>url</c> saying why.</summary>
    public async Task<Uri> JudgeAsync(string? url, CancellationToken cancellationToken = default)
    {
        var uri = Parse(url) ?? throw Refused(AllowsLoopback
            ? "url is an absolute https URL (http only to loopback, in tests), without user name or password and without surrounding spaces."
            : "url is an absolute https URL, without user name or password and without surrounding spaces.");
        IPAddress[] addresses;
        try
        {
            addresses = await AddressesOfAsync(uri.IdnHost, cancellationToken).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
        }
        catch (Exception e) when (e is SocketException or TimeoutException or ArgumentException)
        {
            // A name that does not resolve now may resolve later: it is judged again at every send, so it cannot probe.
            // Plain http is only ever for loopback, which always resolves.
            return uri.Scheme == Uri.UriSchemeHttps ? uri : throw Refused("url is an absolute https URL (http only to loopback, in tests).");
        }
        if (!Allowed(addresses))
            throw Refused("url points at an address that is not allowed: private, loopback, link-local, multicast, unspecified or reserved.");
        if (uri.Scheme == Uri.UriSchemeHttp && !addresses.All(a => WebhookAddresses.Classify(a) == WebhookAddresses.Kind.Loopback))
            throw Refused("url is an absolute https URL (http only to loopback, in tests).");
        return uri;
    }

    /// <summary>The URL's shape: absolute, https (or http with the loopback allowance), no user info, nothing around it.</summary>
    public Uri? Parse(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length != url.Trim().Length || !Market.PlainText.IsPlain(url)) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host)) return null;
        return uri.Scheme == Uri.UriSchemeHttps || (AllowsLoopback && uri.Scheme == Uri.UriSchemeHttp) ? uri : null;
    }

    /// <summary>Every address must be allowed: a name that mixes public and private answers is refused as a whole.</summary>
    public bool Allowed(IReadOnlyCollection<IPAddress> addresses) =>
        addresses.Count > 0 && addresses.All(a => WebhookAddresses.Classify(a) switch
        {
            WebhookAddresses.Kind.Public => true,
            WebhookAddresses.Kind.Loopback => AllowsLoopback,
            _ => false,
        });

    /// <summary>
    /// The HTTP client's connect step: resolve, check every address, connect to a checked one. Nothing else resolves
    /// the name between the check and the connection.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = await AddressesOfAsync(host, cancellationToken);
        if (!Allowed(addresses)) throw new AddressRefusedException(host);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>An address written in the URL is taken as it is (every spelling .NET reads: 127.1, 2130706433, 0x7f000001); a name is resolved. localhost is loopback by definition (RFC 6761).</summary>
    private async Task<IPAddress[]> AddressesOfAsync(string host, CancellationToken cancellationToken)
    {
        host = host.TrimEnd('.');
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return [literal];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        return await _resolve(host, cancellationToken);
    }

    private static MarketRuleException Refused(string message) => new(RuleCode.WebhookUrlNotAllowed, message, "url");
}
