#pragma once
// A header no translation unit includes.
