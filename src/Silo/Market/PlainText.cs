using System.Text.RegularExpressions;
using FluentValidation;

namespace Matchmaker.Silo.Market;

/// <summary>
/// Free text that people type (reasons, notes, wishes, contacts): what the engine accepts of it. One check for every
/// such field, in the owner's validators, so no door skips it.
/// </summary>
public static partial class PlainText
{
    /// <summary>The longest reason (why a child is escalated, siblings split, a place held outside policy).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Line breaks and tabs are text; other control characters are not (PostgreSQL refuses NUL; none belongs in a note).</summary>
    public static bool HasControlCharacters(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    /// <summary>
    /// Characters that are not seen but change what is seen: bidirectional embeddings, overrides and isolates
    /// (U+202A-202E, U+2066-2069; U+202E shows "reden: geen" as something else to the next reader), the directional
    /// marks (U+200E, U+200F, U+061C) that turn the order of words and numbers around them, and zero-width characters
    /// (U+200B-200D, U+2060, U+FEFF) that make two texts look the same.
    /// </summary>
    public static bool HasHiddenCharacters(string? text) =>
        text is not null && text.Any(c => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or (>= '\u200B' and <= '\u200F')
            or '\u061C' or '\u2060' or '\uFEFF');

    /// <summary>
    /// A citizen service number (BSN) in the text: nine digits, written together or grouped as BSNs are written
    /// (123 456 782, 1234.56.782), that pass the elfproef. The market never keeps one: a child is a pseudonymous case
    /// reference. A number that merely has nine digits (a case number like 2026-01820, a phone number after +31) passes.
    /// </summary>
    public static bool HasBsn(string? text)
    {
        if (text is null) return false;
        foreach (Match match in NineDigits().Matches(text))
        {
            var digits = match.Value.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
            var sum = 0;
            for (var i = 0; i < 8; i++) sum += digits[i] * (9 - i);
            if (digits.Any(d => d != 0) && (sum - digits[8]) % 11 == 0) return true;
        }
        return false;
    }

    [GeneratedRegex(@"(?<![0-9])(?<!\+31 ?)(?<!0031 ?)(?:[0-9]{9}|[0-9]{3}([ .])[0-9]{3}\1[0-9]{3}|[0-9]{4}([ .])[0-9]{2}\2[0-9]{3})(?![0-9])")]
    private static partial Regex NineDigits();

    /// <summary>The shared check: neither control characters nor hidden ones.</summary>
    public static bool IsPlain(string? text) => !HasControlCharacters(text) && !HasHiddenCharacters(text);

    /// <summary>What is wrong with text someone writes about a child (a note, information, a reason), in Dutch for the page; null when it will do.</summary>
    public static string? DutchProblemWith(string? text, string subject) =>
        HasControlCharacters(text) ? $"{subject} bevat een besturingsteken; gebruik gewone tekst."
        : HasHiddenCharacters(text) ? $"{subject} bevat een onzichtbaar teken of een teken dat de leesrichting omdraait; gebruik gewone tekst."
        : HasBsn(text) ? $"{subject} bevat iets dat op een BSN lijkt (negen cijfers die de elfproef halen). Schrijf nooit een BSN; is het geen BSN, schrijf het getal dan anders."
        : null;

    /// <summary>What is wrong with a free-text field that is not plain, in English for the API; null when it is plain.</summary>
    public static string? ProblemWith(string? text, string field) =>
        HasControlCharacters(text) ? $"{field} has a control character; send plain text."
        : HasHiddenCharacters(text) ? $"{field} has an invisible or direction-changing character (U+061C, U+200B-200F, U+202A-202E, U+2060, U+2066-2069, U+FEFF); send plain text."
        : HasBsn(text) ? $"{field} holds what looks like a BSN (nine digits that pass the elfproef); never send a BSN."
        : null;

    public enum ReasonProblem { Missing, TooLong, ControlCharacters, HiddenCharacters, Bsn }

    /// <summary>What is wrong with a reason someone gives for a decision, or null when it will do.</summary>
    public static ReasonProblem? ProblemWithReason(string? reason) => reason?.Trim() switch
    {
        null or "" => ReasonProblem.Missing,
        { Length: > MaxReasonLength } => ReasonProblem.TooLong,
        var text when HasControlCharacters(text) => ReasonProblem.ControlCharacters,
        var text when HasHiddenCharacters(text) => ReasonProblem.HiddenCharacters,
        var text when HasBsn(text) => ReasonProblem.Bsn,
        _ => null,
    };

    /// <summary>The owner's check of a reason: refused as invalid input on <paramref name="field"/>, with the problem in English.</summary>
    public static string JudgeReason(string? reason, string field = "reason") => ProblemWithReason(reason) switch
    {
        ReasonProblem.Missing => throw MarketRuleException.Invalid(field, $"{field} is required."),
        ReasonProblem.TooLong => throw MarketRuleException.Invalid(field, $"{field} is at most {MaxReasonLength} characters."),
        ReasonProblem.ControlCharacters or ReasonProblem.HiddenCharacters or ReasonProblem.Bsn => throw MarketRuleException.Invalid(field, ProblemWith(reason, field)!),
        _ => reason!.Trim(),
    };

    /// <summary>The rule for a validator's free-text field (the messages are Dutch: the desk's form shows them beside the field).</summary>
    public static IRuleBuilderOptions<T, string?> Plain<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !HasControlCharacters(text)).WithMessage("{PropertyName} bevat een besturingsteken; gebruik gewone tekst.")
            .Must(text => !HasHiddenCharacters(text))
            .WithMessage("{PropertyName} bevat een onzichtbaar teken of een teken dat de leesrichting omdraait; gebruik gewone tekst.")
            .Must(text => !HasBsn(text))
            .WithMessage("{PropertyName} bevat iets dat op een BSN lijkt (negen cijfers die de elfproef halen). Schrijf nooit een BSN; is het geen BSN, schrijf het getal dan anders.");
}
