using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Generics.App;

// ---------------------------------------------------------------------------
// Enums of several underlying types.
// ---------------------------------------------------------------------------

public enum Color : byte { Red = 1, Green = 2, Blue = 3 }

public enum Magnitude : long { Small = 1, Large = 1L << 40, Negative = -7 }

[Flags]
public enum Access : ushort { None = 0, Read = 1, Write = 2, Execute = 4, All = Read | Write | Execute }

// ---------------------------------------------------------------------------
// User structs: small / large, with and without GC references.
// ---------------------------------------------------------------------------

/// <summary>4 bytes, no GC refs.</summary>
public struct Tiny
{
    public int A;
    public Tiny(int a) { A = a; }
    public override readonly string ToString() => "T" + A.ToString(CultureInfo.InvariantCulture);
}

/// <summary>8 bytes, no GC refs (int + float).</summary>
public struct MyStruct : IComparable<MyStruct>
{
    public int X;
    public float Y;
    public MyStruct(int x, float y) { X = x; Y = y; }
    public readonly int CompareTo(MyStruct other) => X != other.X ? X.CompareTo(other.X) : Y.CompareTo(other.Y);
    public override readonly string ToString() =>
        X.ToString(CultureInfo.InvariantCulture) + "/" + Y.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>16 bytes, no GC refs.</summary>
public struct Pair16 : IEquatable<Pair16>
{
    public long A;
    public long B;
    public Pair16(long a, long b) { A = a; B = b; }
    public readonly bool Equals(Pair16 o) => A == o.A && B == o.B;
    public override readonly bool Equals(object? obj) => obj is Pair16 p && Equals(p);
    public override readonly int GetHashCode() => unchecked((int)(A * 397 ^ B));
    public override readonly string ToString() => $"[{A};{B}]";
}

/// <summary>Large (104 bytes), no GC refs.</summary>
public struct LargeStruct
{
    public long A, B, C, D, E, F, G, H;
    public decimal M;
    public Guid Id;

    public static LargeStruct Make(long seed) => new LargeStruct
    {
        A = seed, B = seed * 2, C = seed * 3, D = seed * 5, E = seed * 7, F = seed * 11, G = seed * 13, H = seed * 17,
        M = seed / 3m,
        Id = new Guid((int)seed, (short)seed, (short)(seed >> 3), 1, 2, 3, 4, 5, 6, 7, 8),
    };

    public readonly long Sum => A + B + C + D + E + F + G + H;
}

/// <summary>Small struct with a GC reference.</summary>
public struct RefStruct
{
    public string Name;
    public int Id;
    public RefStruct(string name, int id) { Name = name; Id = id; }
    public override readonly string ToString() => Name + "#" + Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Large struct mixing GC references and plain data.</summary>
public struct LargeRefStruct
{
    public string S1;
    public object? O;
    public long A, B, C, D;
    public int[] Arr;
    public string? S2;
    public double Weight;

    public LargeRefStruct(string s, int n)
    {
        S1 = s; O = n % 2 == 0 ? s : null; A = n; B = n + 1; C = n + 2; D = n + 3;
        Arr = new int[n % 5 + 1];
        for (int i = 0; i < Arr.Length; i++) Arr[i] = i * n;
        S2 = n % 3 == 0 ? null : s + s;
        Weight = n * 0.25;
    }
}

/// <summary>Dictionary key: struct with a GC ref, custom deterministic hash.</summary>
public readonly struct MyKey : IEquatable<MyKey>, IComparable<MyKey>
{
    public readonly int Id;
    public readonly string Name;
    public MyKey(int id, string name) { Id = id; Name = name; }

    public bool Equals(MyKey other) => Id == other.Id && string.Equals(Name, other.Name, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is MyKey k && Equals(k);
    public override int GetHashCode()
    {
        // Deterministic (string.GetHashCode is randomized per process).
        int h = Id;
        foreach (char c in Name) h = unchecked(h * 31 + c);
        return h;
    }
    public int CompareTo(MyKey other) => Id != other.Id ? Id.CompareTo(other.Id) : string.CompareOrdinal(Name, other.Name);
    public override string ToString() => Name + "@" + Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Dictionary value: struct containing another struct and a GC ref.</summary>
public struct MyValue
{
    public double Score;
    public Tiny Inner;
    public string? Note;
    public MyValue(double score, int inner, string? note) { Score = score; Inner = new Tiny(inner); Note = note; }
    public override readonly string ToString() =>
        Score.ToString("R", CultureInfo.InvariantCulture) + "|" + Inner + "|" + (Note ?? "-");
}

/// <summary>A struct usable with generic math (static abstract interface members).</summary>
public readonly struct Money :
    IAdditionOperators<Money, Money, Money>,
    IAdditiveIdentity<Money, Money>,
    IComparable<Money>
{
    public readonly long Cents;
    public Money(long cents) { Cents = cents; }
    public static Money operator +(Money a, Money b) => new Money(a.Cents + b.Cents);
    public static Money AdditiveIdentity => new Money(0);
    public int CompareTo(Money other) => Cents.CompareTo(other.Cents);
    public override string ToString() => (Cents / 100).ToString(CultureInfo.InvariantCulture) + "." + (Cents % 100).ToString("00", CultureInfo.InvariantCulture);
}

/// <summary>Unsafe struct holding raw pointers, used as a generic argument.</summary>
public unsafe struct PtrHolder
{
    public int* P;
    public delegate*<int, int> Fn;
    public nint Handle;
}

// ---------------------------------------------------------------------------
// User classes.
// ---------------------------------------------------------------------------

public class Animal
{
    public string Name { get; }
    public Animal(string name) { Name = name; }
    public virtual string Speak() => Name + " makes a sound";
    public override string ToString() => Name;
}

public sealed class Dog : Animal
{
    public Dog(string name) : base(name) { }
    public override string Speak() => Name + " says woof";
}

public sealed class Cat : Animal
{
    public Cat(string name) : base(name) { }
    public override string Speak() => Name + " says meow";
}

public sealed record Person(string Name, int Age);

// ---------------------------------------------------------------------------
// Type with a non-trivial static constructor. It reads the environment, so
// ILC cannot pre-initialize it at compile time and has to emit a real
// class-constructor context plus a lazy cctor check.
// ---------------------------------------------------------------------------

public static class Registry
{
    public static readonly Dictionary<string, int> Map;
    public static readonly string Suffix;
    public static readonly int[] Primes;

    static Registry()
    {
        // Unset in normal runs -> deterministic output; still opaque to the ILC preinitializer.
        Suffix = Environment.GetEnvironmentVariable("AOTSIZE_SAMPLE_SUFFIX") ?? "";
        Map = new Dictionary<string, int>(StringComparer.Ordinal);
        var primes = new List<int>();
        for (int n = 2; primes.Count < 16; n++)
        {
            bool isPrime = true;
            foreach (int p in primes)
                if (n % p == 0) { isPrime = false; break; }
            if (isPrime) primes.Add(n);
        }
        Primes = primes.ToArray();
        for (int i = 0; i < Primes.Length; i++)
            Map["p" + i.ToString(CultureInfo.InvariantCulture) + Suffix] = Primes[i];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Lookup(string key) => Map.TryGetValue(key + Suffix, out int v) ? v : -1;
}

/// <summary>Generic type with a static constructor that cannot be preinitialized.</summary>
public static class GenericCctor<T>
{
    public static readonly string Tag;
    public static readonly T[] Seeded;
    public static int Touched;

    static GenericCctor()
    {
        Tag = typeof(T).Name + (Environment.GetEnvironmentVariable("AOTSIZE_SAMPLE_SUFFIX") ?? "");
        Seeded = new T[Tag.Length % 4 + 1];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Describe() { Touched++; return Tag + "[" + Seeded.Length.ToString(CultureInfo.InvariantCulture) + "]"; }
}
