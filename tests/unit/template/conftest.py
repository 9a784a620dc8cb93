"""Shared sample data for the template unit tests."""

from __future__ import annotations

import pytest
from template_samples import NOW, SAMPLE

from alertmanager.template import Data, Template, data_from_json


@pytest.fixture
def data() -> Data:
    return data_from_json(SAMPLE)


@pytest.fixture(scope="session")
def tmpl() -> Template:
    return Template.from_files([], clock=lambda: NOW)
