using System.Globalization;

namespace Matchmaker.Web.Infrastructure;

/// <summary>A form's date field as the browser sends it.</summary>
public static class DateField
{
    /// <summary>The day in a date field's text (yyyy-mm-dd, what a date input sends); null for anything else, with no guessing of day and month.</summary>
    public static DateOnly? Read(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
