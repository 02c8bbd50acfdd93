using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Matchmaker.Silo.Requests;

/// <summary>A request's editable fields as one short tag: equal tags, equal fields (64 bits of SHA-256 of their JSON).</summary>
public static class RequestEditTag
{
    public static string Of(RequestInput fields) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fields))))[..16];
}
