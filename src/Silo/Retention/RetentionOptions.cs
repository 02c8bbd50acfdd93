using System.Globalization;
using Matchmaker.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Retention;

/// <summary>
/// How long the engine keeps what (docs/security.md#retention). <c>Retention:Enabled</c> (default true);
/// <c>Retention:ClosedRequestMonths</c> (default 24, at least 13: the figures read the last 12 months of closed requests
/// at full detail): after that a placed or withdrawn request is reduced to what the figures need;
/// <c>Retention:AuditLogMonths</c> (default 60, at least 60: NEN 7513's minimum as the norm is commonly read): older
/// audit entries are removed; <c>Retention:IntervalHours</c> (default 24, 1 to 720): how often each region runs it.
/// A value that cannot work stops the start with one line (<see cref="ClusterConfigurationException"/>).
/// </summary>
public sealed record RetentionOptions(bool Enabled, int ClosedRequestMonths, int AuditLogMonths, TimeSpan Interval)
{
    public const int MinimumClosedRequestMonths = 13;
    public const int MinimumAuditLogMonths = 60;

    public static RetentionOptions Default { get; } = new(true, 24, 60, TimeSpan.FromHours(24));

    public static RetentionOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Retention");
        var enabled = section["Enabled"] is not { } text ? true
            : bool.TryParse(text.Trim(), out var on) ? on
            : throw Bad("Enabled", text, "true or false");
        var closed = Whole(section, "ClosedRequestMonths", Default.ClosedRequestMonths, MinimumClosedRequestMonths, 1200,
            "months, at least 13: the figures read the last 12 months of closed requests in full");
        var audit = Whole(section, "AuditLogMonths", Default.AuditLogMonths, MinimumAuditLogMonths, 1200,
            "months, at least 60: NEN 7513 asks for at least five years of access logging");
        var hours = Whole(section, "IntervalHours", 24, 1, 720, "hours, from 1 to 720");
        return new RetentionOptions(enabled, closed, audit, TimeSpan.FromHours(hours));
    }

    /// <summary>Closed requests closed before this moment are reduced.</summary>
    public DateTimeOffset ClosedRequestsBefore(DateTimeOffset now) => now.AddMonths(-ClosedRequestMonths);

    /// <summary>Audit entries written before this moment are removed.</summary>
    public DateTimeOffset AuditEntriesBefore(DateTimeOffset now) => now.AddMonths(-AuditLogMonths);

    /// <summary>
    /// Matching rounds run before this moment are removed: as long as a closed child's details, so no round outlives the
    /// case references and explanations of the children it held (a child is in rounds only while it waits).
    /// </summary>
    public DateTimeOffset MatchingRoundsBefore(DateTimeOffset now) => ClosedRequestsBefore(now);

    /// <summary>How long the change log keeps an event's data (the row stays as a cursor): a system that read none for this long reads the current state again.</summary>
    public const int ChangeLogDays = 30;

    /// <summary>How long a write's result answers a retry of its <c>Idempotency-Key</c>: retries come within minutes, a week covers a system down over a long weekend.</summary>
    public const int IdempotencyKeyDays = 7;

    public static DateTimeOffset ChangesBefore(DateTimeOffset now) => now.AddDays(-ChangeLogDays);

    public static DateTimeOffset IdempotencyKeysBefore(DateTimeOffset now) => now.AddDays(-IdempotencyKeyDays);

    private static int Whole(IConfigurationSection section, string key, int fallback, int min, int max, string expected)
    {
        if (section[key] is not { } text) return fallback;
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Bad(key, text, $"a whole number of {expected}");
    }

    private static ClusterConfigurationException Bad(string key, string value, string expected) =>
        new($"Retention:{key} is '{value}'; it must be {expected}.");
}
