import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from oversight.lib.text import fold, nfc, person_sort_key, vi_sort_key

BASE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy ĐÂ"
TONED_LETTERS = "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
LETTERS = BASE_LETTERS + TONED_LETTERS
vietnamese = st.text(alphabet=LETTERS, max_size=30)


def test_fold_drops_diacritics_and_maps_d_with_stroke():
    assert fold("Trường Tiểu học Đằng Hải") == "truong tieu hoc dang hai"
    assert fold("  ĐỖ   Thị  Ngọc ") == "do thi ngoc"


def test_nfd_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert decomposed != "Hòa Bình"
    assert nfc(decomposed) == "Hòa Bình"


@given(vietnamese)
def test_fold_is_the_same_for_nfc_and_nfd_forms(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(vietnamese)
def test_fold_output_is_plain_ascii_for_vietnamese_letters(text):
    assert fold(text).isascii()


def test_vietnamese_order_puts_letters_with_marks_after_the_plain_letter():
    names = ["Đông Hải", "Dư Hàng", "An Biên", "Ân Thi", "Ăn Tây", "Bạch Đằng", "Ba Đình"]
    assert sorted(names, key=vi_sort_key) == [
        "An Biên",
        "Ăn Tây",
        "Ân Thi",
        "Ba Đình",
        "Bạch Đằng",
        "Dư Hàng",
        "Đông Hải",
    ]


def test_tones_order_after_letters():
    assert sorted(["Há", "Hạ", "Ha", "Hà", "Hả", "Hã"], key=vi_sort_key) == [
        "Ha",
        "Hà",
        "Hả",
        "Hã",
        "Há",
        "Hạ",
    ]


def test_people_sort_by_given_name_first():
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Minh Anh"]
    assert sorted(people, key=person_sort_key) == ["Trần Thị An", "Lê Minh Anh", "Nguyễn Văn Bình"]


@given(vietnamese, vietnamese)
def test_sort_key_is_consistent_with_nfc(a, b):
    da, db = unicodedata.normalize("NFD", a), unicodedata.normalize("NFD", b)
    assert (vi_sort_key(a) < vi_sort_key(b)) == (vi_sort_key(da) < vi_sort_key(db))
