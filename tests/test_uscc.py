import pytest

from dagster_project.parsing.uscc import check_character, is_valid_uscc, uscc_problem

# Published codes of real organisations (their check characters follow GB 32100-2015).
REAL_CODES = ["91110000802100433B", "91440300708461136T", "91310000717866186P"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert is_valid_uscc(code), uscc_problem(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_changed_character_is_caught(code):
    for position in range(18):
        for replacement in "0A7X":
            if code[position] != replacement:
                changed = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_uscc(changed), changed


@pytest.mark.parametrize(
    "code, message",
    [
        ("9111000080210043", "长度应为18位"),
        ("91110000802100433I", "非法字符"),
        ("911100AB802100433B", "行政区划码"),
        ("91110000802100433C", "校验位应为B"),
    ],
)
def test_problems_are_explained(code, message):
    assert message in uscc_problem(code)


def test_check_character_of_zero_remainder_is_zero():
    # 31 − 0 = 31 is written as 0: the body of all zeros has check character 0.
    assert check_character("0" * 17) == "0"
