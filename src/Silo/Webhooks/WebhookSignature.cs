using System.Security.Cryptography;
using System.Text;

namespace Matchmaker.Silo.Webhooks;

/// <summary>
/// A notification is signed with the subscription's secret: <c>Webhook-Signature: v1=hex(HMAC-SHA256(secret,
/// "{Webhook-Timestamp}.{body}"))</c>, the timestamp in Unix seconds. A receiver recomputes it over the raw body,
/// compares in constant time and refuses a timestamp more than five minutes away from its clock (a replay).
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "Webhook-Timestamp";
    public const string SignatureHeader = "Webhook-Signature";
    public const string IdHeader = "Webhook-Id";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long timestamp, string body) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>The receiver's check, as documented in docs/integration.md.</summary>
    public static bool Verify(string secret, string? timestamp, string? signature, string body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds) || signature is null) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
