using System.Net;
using System.Net.Sockets;

namespace Matchmaker.Silo.Webhooks;

/// <summary>
/// Which network addresses a webhook may reach: public unicast only. Everything a caller could use to reach the node's
/// own network is refused: private (10/8, 172.16/12, 192.168/16), carrier-grade NAT (100.64/10), loopback, link-local
/// (169.254/16, where cloud metadata lives; fe80::/10), multicast, unspecified (0.0.0.0, ::), unique-local (fc00::/7),
/// the other reserved blocks, and every IPv6 form that carries an IPv4 address (mapped, compatible, NAT64, 6to4),
/// judged by the IPv4 address inside.
/// </summary>
public static class WebhookAddresses
{
    public enum Kind { Public, Loopback, Refused }

    public static Kind Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } inner) return Classify(inner);
        if (IPAddress.IsLoopback(address)) return Kind.Loopback;
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => RefusedV4(address.GetAddressBytes()) ? Kind.Refused : Kind.Public,
            AddressFamily.InterNetworkV6 => RefusedV6(address) ? Kind.Refused : Kind.Public,
            _ => Kind.Refused,
        };
    }

    /// <summary>The IPv4 address an IPv6 address carries: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64), 2002:aabb:ccdd:: (6to4).</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var b = address.GetAddressBytes();
        var firstTwelveZero = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        // ::a.b.c.d (deprecated "compatible" form); :: and ::1 themselves are judged as IPv6 below.
        if (firstTwelveZero && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)) return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4));
        return null;
    }

    private static bool RefusedV4(byte[] a) =>
        a[0] == 0                                   // 0.0.0.0/8: this network, unspecified
        || a[0] == 10                               // 10/8 private
        || (a[0] == 100 && (a[1] & 0xC0) == 64)     // 100.64/10 carrier-grade NAT
        || a[0] == 127                              // loopback (judged before, kept for completeness)
        || (a[0] == 169 && a[1] == 254)             // 169.254/16 link-local, cloud metadata
        || (a[0] == 172 && (a[1] & 0xF0) == 16)     // 172.16/12 private
        || (a[0] == 192 && a[1] == 0 && a[2] == 0)  // 192.0.0/24 protocol assignments
        || (a[0] == 192 && a[1] == 0 && a[2] == 2)  // 192.0.2/24 documentation
        || (a[0] == 192 && a[1] == 168)             // 192.168/16 private
        || (a[0] == 198 && (a[1] & 0xFE) == 18)     // 198.18/15 benchmarking
        || (a[0] == 198 && a[1] == 51 && a[2] == 100) // documentation
        || (a[0] == 203 && a[1] == 0 && a[2] == 113)  // documentation
        || a[0] >= 224;                             // 224/4 multicast, 240/4 reserved, broadcast

    private static bool RefusedV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return address.Equals(IPAddress.IPv6None)  // :: unspecified
            || address.IsIPv6LinkLocal             // fe80::/10
            || address.IsIPv6SiteLocal             // fec0::/10 (deprecated)
            || address.IsIPv6Multicast             // ff00::/8
            || (b[0] & 0xFE) == 0xFC               // fc00::/7 unique-local
            || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) // 100::/64 discard
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)                 // 2001:db8::/32 documentation
            || b.AsSpan(0, 15).IndexOfAnyExcept((byte)0) < 0;                                 // ::, ::1 and the like
    }
}
