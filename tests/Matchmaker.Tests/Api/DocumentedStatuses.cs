using System.Text.Json;

namespace Matchmaker.Tests.Api;

/// <summary>
/// The statuses the OpenAPI document lists per operation, so that a test which sends requests can say "the API answered
/// a status its contract does not mention" (a generated client would throw an untyped error on it).
/// </summary>
public sealed class DocumentedStatuses(JsonElement document)
{
    public bool Lists(string method, string template, int status) =>
        document.GetProperty("paths").TryGetProperty(template, out var path)
        && path.TryGetProperty(method.ToLowerInvariant(), out var operation)
        && operation.GetProperty("responses").TryGetProperty(status.ToString(), out _);

    /// <summary>A line for the test's failures when the status is not listed; null when it is.</summary>
    public string? Undocumented(string method, string template, int status, string what) =>
        Lists(method, template, status) ? null : $"{method} {template} answered {status}, which its OpenAPI description does not list [{what}]";
}
