"""Write the binary files of the sample scenes: PNG textures and the Houdini ``.hip`` archive.

The text files (``.ma``, ``.project``, ``.obj``, ``workspace.mel``) are committed as they are;
this script produces the binary ones byte for byte the same on every run, so the committed
copies can be checked against it (``tests/examples`` does)::

    python examples/scenes/make_sample_files.py            # rewrite them in place
    python examples/scenes/make_sample_files.py --check    # exit 1 if one differs
"""

import argparse
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# A fixed mtime for the cpio headers keeps the .hip identical from run to run.
HIP_MTIME = 1764000000


# --------------------------------------------------------------------------- PNG


def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_bytes(width, height, pixel):
    """An 8-bit RGB PNG; ``pixel(x, y)`` returns the ``(r, g, b)`` of each pixel."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 (None) for every scanline
        for x in range(width):
            row.extend(pixel(x, y))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _png_chunk(b"IEND", b""))


def checker(color_a, color_b, size=4):
    """Pixel function of a checkerboard with ``size``-pixel squares."""
    def pixel(x, y):
        return color_a if ((x // size) + (y // size)) % 2 == 0 else color_b
    return pixel


def gradient(top, bottom, height):
    """Pixel function of a vertical gradient from ``top`` to ``bottom``."""
    def pixel(_x, y):
        t = float(y) / max(1, height - 1)
        return tuple(int(round(a + (b - a) * t)) for a, b in zip(top, bottom))
    return pixel


def textures():
    """Relative path -> bytes of every PNG the sample scenes reference."""
    files = {
        # Maya: a plain texture, two UDIM tiles, a three-frame image sequence, a sky dome.
        "maya/sourceimages/wood.png": png_bytes(32, 32, checker((150, 100, 50), (120, 80, 40))),
        "maya/sourceimages/tiles.1001.png": png_bytes(16, 16, checker((200, 30, 30), (90, 0, 0))),
        "maya/sourceimages/tiles.1002.png": png_bytes(16, 16, checker((30, 200, 30), (0, 90, 0))),
        "maya/sourceimages/sky.png": png_bytes(32, 16, gradient((90, 140, 230), (230, 230, 255),
                                                                16)),
        # Houdini: a texture and an environment map.
        "houdini/tex/rock_basecolor.png": png_bytes(32, 32, checker((110, 110, 100), (70, 70, 65),
                                                                    2)),
        "houdini/tex/sky.png": png_bytes(32, 16, gradient((250, 180, 90), (60, 80, 160), 16)),
        # Clarisse: a texture for the main project and one for the referenced one.
        "clarisse/textures/wood.png": png_bytes(32, 32, checker((160, 110, 60), (100, 70, 30))),
        "clarisse/refs/metal.png": png_bytes(16, 16, gradient((200, 200, 210), (90, 90, 100),
                                                                  16)),
    }
    for frame in (1, 2, 3):
        shade = 60 * frame
        files["maya/sourceimages/flicker.{0:04d}.png".format(frame)] = png_bytes(
            8, 8, checker((shade, shade, 0), (0, 0, shade)))
    return files


# --------------------------------------------------------------------------- .hip


def _cpio_member(name, body, ino):
    """One member of an odc ("070707") cpio archive, the container of a ``.hip`` file."""
    body = body.encode("utf-8") if isinstance(body, str) else body
    raw_name = name.encode("utf-8") + b"\x00"
    header = (b"070707" + b"000001" + b"%06o" % ino + b"100666" + b"000000" + b"000000"
              + b"000001" + b"000000" + b"%011o" % HIP_MTIME + b"%06o" % len(raw_name)
              + b"%011o" % len(body))
    return header + raw_name + body


def _quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_sections(path, node_type, parms, render_flag=True):
    """The ``.init``, ``.def`` and ``.parm`` sections Houdini saves for one node."""
    stem = path.lstrip("/")
    flags = ("flags =  lock off model off template off footprint off xray off bypass off "
             "display on render {0} highlight off unload off savedata off compress on "
             "colordefault on exposed on".format("on" if render_flag else "off"))
    lines = ["{", "version 0.8"]
    for name, tokens in parms:
        lines.append("{0}\t[ 0\tlocks=0 ]\t(\t{1}\t)".format(name, "\t".join(tokens)))
    lines.append("}")
    return [
        (stem + ".init", "type = {0}\nmatchesdef = 1\n".format(node_type)),
        (stem + ".def", 'comment ""\nposition 0 0\nconnectornextid 0\n' + flags
         + "\ninputs\n{\n}\nend\n"),
        (stem + ".parm", "\n".join(lines) + "\n"),
        (stem + ".userdata", ""),
    ]


def hip_sections():
    """Sections of ``houdini/rock_turntable.hip``: a camera, a rock with a texture, an
    environment light, a five-frame OBJ cache read back by a File SOP, and a Mantra ROP."""
    sections = [
        (".start", "fplayback -i on -r off -f 1\ntcur 0\nfps 24\ntset 0 0.208333\nframe 1\n"
                   "frange 1 5\n"),
        (".variables", "set -g ACTIVETAKE = 'Main'\nset -g HIP = 'D:/projects/rock'\n"
                       "set -g HIPFILE = 'D:/projects/rock/rock_turntable.hip'\n"
                       "set -g HIPNAME = 'rock_turntable'\nset -g JOB = 'D:/projects/rock'\n"
                       "set -g _HIP_SAVEPLATFORM = 'windows-x86_64-cl19.11'\n"
                       "set -g _HIP_SAVEVERSION = '17.5.293'\n"),
        (".aliases", "alias cd 'opcf'\n"),
    ]
    sections += _node_sections("/obj/cam1", "cam", [("res", ["640", "360"]),
                                                    ("resx", ["640"]), ("resy", ["360"])])
    sections += _node_sections("/obj/rock", "geo", [])
    sections += _node_sections("/obj/rock/model", "file",
                               [("filemode", ['"read"']), ("file", [_quote("$HIP/geo/rock.obj")])])
    sections += _node_sections("/obj/rock/sim_cache", "file",
                               [("filemode", ['"read"']),
                                ("file", [_quote("$HIP/cache/debris.$F4.obj")])])
    sections += _node_sections("/mat/rock_shader", "principledshader::2.0",
                               [("basecolor_useTexture", ["on"]),
                                ("basecolor_texture", [_quote("$HIP/tex/rock_basecolor.png")])])
    sections += _node_sections("/obj/envlight1", "envlight",
                               [("env_map", [_quote("$HIP/tex/sky.png")])])
    sections += _node_sections("/out/mantra1", "ifd",
                               [("trange", ['"normal"']), ("f", ["1", "5", "1"]),
                                ("camera", [_quote("/obj/cam1")]),
                                ("vm_picture", [_quote("$HIP/render/$HIPNAME.$OS.$F4.exr")])])
    return sections


def hip_bytes():
    """The ``.hip`` file: every section as a cpio member, then the trailer."""
    members = [_cpio_member(name, body, index + 1)
               for index, (name, body) in enumerate(hip_sections())]
    members.append(_cpio_member("TRAILER!!!", b"", 0))
    return b"".join(members)


# --------------------------------------------------------------------------- main


def sample_files():
    """Relative path (forward slashes, below examples/scenes) -> bytes of every binary file."""
    files = textures()
    files["houdini/rock_turntable.hip"] = hip_bytes()
    return files


def _write(path, data):
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare the files on disk with what this script writes")
    parser.add_argument("--root", default=HERE, help="folder to write into (default: here)")
    args = parser.parse_args(argv)
    different = []
    for relative, data in sorted(sample_files().items()):
        path = os.path.join(args.root, *relative.split("/"))
        if args.check:
            try:
                with open(path, "rb") as handle:
                    same = handle.read() == data
            except OSError:
                same = False
            if not same:
                different.append(relative)
        else:
            _write(path, data)
            print("wrote", relative)
    for relative in different:
        print("differs:", relative)
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
