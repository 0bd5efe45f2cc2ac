// File: model/reading_time.h
//
// How long an article takes to read, in its language (issue 17, part 5).
// The rates are the mean reading speeds of the International Reading Speed
// Texts: Trauzettel-Klosinski S., Dietz K., IReST Study Group (2012),
// "Standardized Assessment of Reading Performance: The New International
// Reading Speed Texts IReST", Invest Ophthalmol Vis Sci 53(9):5452–5461,
// doi:10.1167/iovs.11-8284. English 228 ± 30 and Russian 184 ± 32 words a
// minute (the paper's table, as issue 17 quotes it); any other language
// gets the mean over the study's 17 languages, 184 ± 29 (its abstract).
// The texts were read aloud by adults of 18–35, so the estimate errs on the
// slow side for silent reading. docs/publishing.md says what was checked.
//
//   int minutes = ReadingMinutes(translation.body, "en");  // 0: nothing to read
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "model/article.h"

namespace newsdesk {

// WordsPerMinute is the IReST mean rate for `language` ("en", "ru"), or the
// mean over all its languages for one it has no rate of here.
int WordsPerMinute(std::string_view language);

// ReadingMinutes is the time to read `words` words of `language`, in whole
// minutes rounded to the nearest, at least 1; 0 for no words.
int ReadingMinutes(size_t words, std::string_view language);

// ReadingMinutes of a body: the words of its text (CountWords, ICU's word
// breaks, over PlainText) in `language`, the language it is written in.
int ReadingMinutes(const std::vector<Block>& body, std::string_view language);

}  // namespace newsdesk
