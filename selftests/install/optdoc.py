#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documentation of a program's options kept in step with its table.

    optdoc.py HELP --man MAN
    optdoc.py HELP --readme README HEADING

HELP is the program's --help (made from its option table by
user/lib/opts_help.c), MAN its man page, README the README whose section
starting with HEADING (e.g. "## ntsload") has the table of its flags.
Every option of the help must have an entry in the man page's OPTIONS
(same short name, same argument) or a row in the README table (all but
--help), and every entry there must be an option of the help; every
--flag the help mentions must be in the man page's text. A number
--help gives as the default must be said in the man page ("default N");
a default of one word must be the README's. Prints what differs; exit
status 1 if anything does.
"""
import re
import sys

# "  -a, --addr ADDR   help" or "      --keep   help" (opts_help.c)
LEAD = re.compile(r"^  (?:-(\S), |    )--([a-z0-9][a-z0-9-]*)(?: (\S+))?(?:  |$)")
ONE_WORD = re.compile(r"^[\w./:\[\]-]+$")


def parse_help(text):
    """{long: {"short", "arg", "default"}} in the help's order."""
    opts, cur = {}, None
    for line in text.splitlines():
        m = LEAD.match(line)
        if m:
            cur = m.group(2)
            opts[cur] = {"short": m.group(1), "arg": m.group(3), "text": line[m.end():]}
        elif cur and line.startswith("    ") and line.strip():
            opts[cur]["text"] += " " + line.strip()
        else:
            cur = None
    for o in opts.values():
        d = re.search(r"\(default: (.*)\)$", o.pop("text").strip())
        o["default"] = d.group(1) if d else None
    return opts


def roff_text(s):
    s = re.sub(r"\\f[BIRP]|\\f\(..", "", s)
    return s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def roff_words(args):
    """The arguments of a .BR-style macro: spaces split, quotes keep."""
    return [a[1:-1] if a.startswith('"') else a
            for a in re.findall(r'"[^"]*"|\S+', args)]


def roff_heading(line):
    m = re.match(r"^\.(B|I|BR|RB|BI|IB|IR|RI)\s+(.*)$", line)
    if not m:
        return roff_text(line)
    words = roff_words(m.group(2))
    join = " " if m.group(1) in ("B", "I") else ""
    return roff_text(join.join(words))


def parse_man(text):
    """{long: {"short", "arg", "text"}} from the .TP entries of OPTIONS."""
    opts, lines, section = {}, text.splitlines(), None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
        elif section == "OPTIONS" and line.startswith(".TP") and i + 1 < len(lines):
            head = roff_heading(lines[i + 1])
            m = re.match(r"^(?:-(\S), )?--([a-z0-9][a-z0-9-]*)(?: (\S+))?$", head)
            body = []
            j = i + 2
            while j < len(lines) and not re.match(r"^\.(TP|SH)", lines[j]):
                if not lines[j].startswith(".") or re.match(r"^\.(B|I|BR|BI|IR|RB)\s", lines[j]):
                    body.append(roff_heading(lines[j]))
                j += 1
            if m:
                opts[m.group(2)] = {"short": m.group(1), "arg": m.group(3),
                                    "text": " ".join(body)}
            else:
                opts["?" + head] = {"short": None, "arg": None, "text": ""}
            i = j
            continue
        i += 1
    return opts


def parse_readme(text, heading):
    """{long: {"short", "arg", "default"}} from the flag table under HEADING."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith(heading)), None)
    if start is None:
        return None
    opts, in_table = {}, False
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if re.match(r"^\| *flag *\|", line):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if set(cells[0]) <= set("-: "):
                continue
            head = cells[0].strip("`")
            m = re.match(r"^(?:-(\S), )?--([a-z0-9][a-z0-9-]*)(?: (\S+))?$", head)
            if not m:
                opts["?" + head] = {}
                continue
            opts[m.group(2)] = {"short": m.group(1), "arg": m.group(3),
                                "default": cells[1].strip("`") if len(cells) > 1 else ""}
    return opts


def lead(name, o):
    s = ("-%s, " % o["short"] if o.get("short") else "") + "--" + name
    return s + (" " + o["arg"] if o.get("arg") else "")


def compare(what, help_opts, doc, skip=()):
    bad = []
    for name, o in help_opts.items():
        if name in skip:
            continue
        d = doc.get(name)
        if d is None:
            bad.append("%s: no entry for %s" % (what, lead(name, o)))
        elif (d["short"], d["arg"]) != (o["short"], o["arg"]):
            bad.append("%s: %s, but --help says %s" % (what, lead(name, d), lead(name, o)))
    for name in doc:
        if name not in help_opts:
            bad.append("%s: %s is not an option of --help" % (what, name.lstrip("?")))
    return bad


def check_man(help_text, help_opts, path):
    text = open(path).read()
    man = parse_man(text)
    bad = compare(path, help_opts, man)
    # What the help text refers to (another program's flags too).
    flat = roff_text(text)
    for ref in sorted(set(re.findall(r"--[a-z][a-z-]+", help_text))):
        if ref not in flat:
            bad.append("%s: --help mentions %s, the man page does not" % (path, ref))
    for name, o in help_opts.items():
        dflt = o["default"]
        if dflt and re.match(r"^\d+$", dflt) and name in man and \
                not re.search(r"default:? +%s\b" % dflt, man[name]["text"]):
            bad.append("%s: --%s: no \"default %s\", which --help says" % (path, name, dflt))
    return bad


def check_readme(help_opts, path, heading):
    readme = parse_readme(open(path).read(), heading)
    if readme is None:
        return ["%s: no section %r" % (path, heading)]
    what = "%s (%s)" % (path, heading)
    bad = compare(what, help_opts, readme, skip=("help",))
    for name, o in help_opts.items():
        d = readme.get(name)
        if d and o["default"] and ONE_WORD.match(o["default"]) and \
                d["default"] != o["default"]:
            bad.append("%s: --%s defaults to %r, --help says %r" %
                       (what, name, d["default"], o["default"]))
    return bad


def main():
    args = sys.argv[1:]
    help_text = open(args[0]).read()
    help_opts = parse_help(help_text)
    if not help_opts:
        print("no options in %s" % args[0])
        return 1
    if args[1:2] == ["--man"] and len(args) == 3:
        bad = check_man(help_text, help_opts, args[2])
    elif args[1:2] == ["--readme"] and len(args) == 4:
        bad = check_readme(help_opts, args[2], args[3])
    else:
        print("\n".join(__doc__.strip().splitlines()[2:4]))
        return 2
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
