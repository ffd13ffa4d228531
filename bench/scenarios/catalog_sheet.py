#!/usr/bin/env python3
"""Writes a catalog sheet for the import benchmark: PRODUCTS products with
VARIANTS sizes each (one row per SKU), realistic Indonesian text, ';'
separated like a spreadsheet in Indonesian locale.
Usage: catalog_sheet.py PRODUCTS VARIANTS > sheet.csv"""
import random
import sys

products = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
variants = int(sys.argv[2]) if len(sys.argv) > 2 else 5
rng = random.Random(42)
kinds = ["Kemeja", "Kaos", "Celana", "Gamis", "Hijab", "Jaket", "Rok", "Blouse", "Sarung", "Batik"]
materials = ["Katun", "Linen", "Rayon", "Sutra", "Denim", "Wol", "Polyester", "Jersey"]
colours = ["Hitam", "Putih", "Merah", "Biru", "Hijau", "Cokelat", "Abu", "Krem", "Navy", "Maroon"]
sizes = ["S", "M", "L", "XL", "XXL", "3XL", "4XL"][:variants]
words = ("adem nyaman dipakai seharian jahitan rapi bahan lembut tidak luntur cocok untuk "
         "kerja kuliah santai acara keluarga dicuci mesin warna tahan lama ukuran pas").split()

print("Kunci Produk;Nama Produk;Kategori;Deskripsi;Merek;Nama Varian 1;Pilihan Varian 1;"
      "Kode SKU;Harga;Stok;Berat (gram);Panjang (cm);Lebar (cm);Tinggi (cm);Atribut")
for p in range(products):
    kind, material, colour = rng.choice(kinds), rng.choice(materials), rng.choice(colours)
    title = f"Toko Bench {kind} {material} {colour} Premium Seri {p:05d}"
    description = " ".join(rng.choice(words) for _ in range(40))
    price = rng.randrange(30, 500) * 1000
    for v, size in enumerate(sizes):
        first = v == 0
        print(";".join([
            f"B{p:05d}",
            title if first else "",
            "fashion-pria/atasan/kemeja" if first else "",
            description if first else "",
            "Toko Bench" if first else "",
            "Ukuran",
            size,
            f"B{p:05d}-{size}",
            f"{price + v * 5000:,}".replace(",", "."),
            str(rng.randrange(0, 200)),
            str(200 + v * 20),
            "30", "22", "3",
            f"\"bahan={material}\"" if first else "",
        ]))
