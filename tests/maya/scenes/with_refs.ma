//Maya ASCII 2018 scene
//Name: with_refs.ma
//Codeset: UTF-8
file -rdi 1 -ns "char" -rfn "charRN" -op "v=0;" -typ "mayaAscii" "refs/char.ma";
file -rdi 2 -ns "prop" -rfn "char:propRN" -typ "mayaAscii" "refs/prop.ma";
file -rdi 1 -ns "lost" -rfn "lostRN" -typ "mayaAscii" "D:/library/lost.ma";
file -rdi 1 -ns "later" -rfn "laterRN" -typ "mayaAscii" "refs/unloaded_missing.ma";
file -r -ns "char" -rfn "charRN" -op "v=0;" -typ "mayaAscii" "refs/char.ma{1}";
file -r -ns "lost" -rfn "lostRN" -typ "mayaAscii"
		 "D:/library/lost.ma";
file -r -ns "later" -dr 1 -rfn "laterRN" -typ "mayaAscii" "refs/unloaded_missing.ma";
requires maya "2018";
fileInfo "product" "Maya 2018";
createNode transform -s -n "persp";
createNode camera -s -n "perspShape" -p "persp";
createNode reference -n "charRN";
	setAttr ".ed" -type "dataReferenceEdits"
		"charRN"
		"charRN" 0;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
// End of with_refs.ma
