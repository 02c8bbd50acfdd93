using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Matchmaker.Silo.Webhooks;

/// <summary>
/// Webhook secrets at rest: encrypted with the host's data-protection key ring under a purpose of their own, so a copy
/// of the database alone cannot sign notifications. Rows written before this (the secret as issued, <c>whsec_…</c>) are
/// still read, and the dispatcher writes them back encrypted at their next delivery; no migration needed.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Purpose = "Matchmaker.Webhooks.Secret.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>A row as stored before secrets were encrypted: the secret itself.</summary>
    public static bool IsPlain(string stored) => stored.StartsWith(WebhookSignature.SecretPrefix, StringComparison.Ordinal);

    /// <summary>The secret of a stored row, or null when this node's key ring cannot read it (a key ring not shared, or lost).</summary>
    public string? Reveal(string stored)
    {
        if (IsPlain(stored)) return stored;
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
